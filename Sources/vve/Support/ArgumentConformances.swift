import ArgumentParser
import VVEConfig
import VVECore

extension RecordKind: ExpressibleByArgument {}

extension RecordStatus: ExpressibleByArgument {}

extension RiskLevel: ExpressibleByArgument {}

extension AuditAction: ExpressibleByArgument {}

extension RecordID: ExpressibleByArgument {
    package init?(argument: String) { self.init(argument) }
}

extension PeerRole: ExpressibleByArgument {}
