import ArgumentParser
import VVEConfig
import VVECore
import VVEStore

/// A node opened for a command: its node.yaml and its store, which agree on the node's name.
struct OpenedNode {
    let configuration: NodeConfiguration
    let store: CaseStore

    init(_ location: NodeLocation) throws {
        let (configuration, store) = try location.openNode()
        self.configuration = configuration
        self.store = store
    }
}

/// A command that works on a node's store, without acting for a named operator.
protocol NodeCommand: ReportingCommand {
    var location: NodeLocation { get }
    func execute(on node: OpenedNode) throws
}

extension NodeCommand {
    func execute() throws { try execute(on: OpenedNode(location)) }
}

/// The async form of `NodeCommand`.
protocol AsyncNodeCommand: AsyncReportingCommand {
    var location: NodeLocation { get }
    func execute(on node: OpenedNode) async throws
}

extension AsyncNodeCommand {
    func execute() async throws { try await execute(on: OpenedNode(location)) }
}

/// A command that touches case data for a named operator, and so is audited under that name.
/// The operator is checked before the node is opened.
protocol AuditedCommand: ReportingCommand {
    var location: NodeLocation { get }
    var operatorOption: OperatorOption { get }
    func execute(on node: OpenedNode, context: OperationContext) throws
}

extension AuditedCommand {
    func execute() throws {
        let context = try operatorOption.context()
        try execute(on: OpenedNode(location), context: context)
    }
}

/// The async form of `AuditedCommand`.
protocol AsyncAuditedCommand: AsyncReportingCommand {
    var location: NodeLocation { get }
    var operatorOption: OperatorOption { get }
    func execute(on node: OpenedNode, context: OperationContext) async throws
}

extension AsyncAuditedCommand {
    func execute() async throws {
        let context = try operatorOption.context()
        try await execute(on: OpenedNode(location), context: context)
    }
}
