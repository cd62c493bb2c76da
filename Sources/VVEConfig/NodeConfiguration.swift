import VVECore

/// An address to listen on: `HOST:PORT`.
package struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    /// 0 asks the system for a free port, which `vve serve` prints once it listens.
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, such as `127.0.0.1:7443` or `0.0.0.0:7443`.
    package init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }) else { return nil }
        self.host = host
        self.port = port
    }

    /// The rule, for error messages.
    package static let rule = "must be HOST:PORT, such as 127.0.0.1:7443, or 0.0.0.0:7443 to listen on every interface"
    package var description: String { "\(host):\(port)" }
}

/// A node's own settings, from `node.yaml` in the node's folder. Relative paths are relative
/// to the node's folder.
package struct NodeConfiguration: Sendable, Equatable {
    /// The node's name: its authority's region-wide name, which owns the records made here.
    package var name: AuthorityName
    /// The case store's file. Default `vve.sqlite`.
    package var database: String
    /// Where `vve serve` listens. Default `127.0.0.1:7443`: loopback only, until an admin
    /// deliberately opens it.
    package var listen: ListenAddress
    /// The node's certificate, signed by the region CA. Default `Certificates/NAME.pem`.
    package var certificate: String
    /// The node's private key, mode 0600. Default `Certificates/NAME.key`.
    package var privateKey: String
    /// The region CA's certificate: the only issuer a peer's certificate may chain to.
    /// Default `Certificates/ca.pem`.
    package var caCertificate: String
    /// The region's linkage key for match keys, mode 0600, the same file on every node of the
    /// region. Default `Certificates/linkage.key`.
    package var linkageKey: String
    /// Days a record or shared copy may stay past its review date before it is erased
    /// everywhere. Default 30.
    package var reviewGraceDays: Int
    /// Days a tombstone is kept after an erasure, at the least, before it is collected.
    /// Default 90.
    package var tombstoneDays: Int

    /// Whom a peer's officer should call about a lookup hit when the record names nobody on
    /// this node's side, on one line (`lookup-contact:`). Default none.
    package var lookupContact: String?
    /// How many lookups this node answers for one asking peer. Default 30 a minute, 1,000 a day.
    package var peerLookupLimits: LookupLimits = .peerDefault
    /// How many lookups one operator of this node may make. Default 10 a minute, 200 a day.
    package var operatorLookupLimits: LookupLimits = .operatorDefault

    /// What this node does to a count before it leaves in an aggregate answer
    /// (`disclosure-threshold:`, `rounding-base:`). Default the floor: counts 1 to 7
    /// suppressed, the rest rounded to 5. Stricter rules are allowed, looser ones refused.
    package var disclosure: DisclosureRules = .floor
    /// Days a quarter must have been closed before it is reported (`report-lag-days:`), so
    /// that late acknowledgements count. Default 14.
    package var reportLagDays = NodeConfiguration.defaultReportLagDays
    /// How many tables of aggregate answers this node gives one asking peer in any 24 hours
    /// (`aggregate-tables-per-peer-per-day:`). Default `AggregateLimits.peerDefault`.
    package var peerAggregateLimits: AggregateLimits = .peerDefault
    /// How many tables one analyst here may ask in any 24 hours
    /// (`report-tables-per-analyst-per-day:`). Default `AggregateLimits.analystDefault`.
    package var analystAggregateLimits: AggregateLimits = .analystDefault
    /// The breaks this node declares in its measures' series (`series-breaks:`), which its
    /// aggregate answers carry. Default none.
    package var seriesBreaks: [Measure: [SeriesBreak]] = [:]
    /// Where `vve serve` serves `GET /metrics` for Prometheus, over plain HTTP (`metrics:`,
    /// such as `127.0.0.1:9464`). Default none: no metrics listener.
    package var metrics: ListenAddress?

    /// How long a connection may take to finish its TLS handshake before it is closed and
    /// audited as refused (`handshake-timeout-seconds:`), so a stranger cannot hold
    /// connections open without one. Default 10 seconds.
    package var handshakeTimeout: Duration = .seconds(NodeConfiguration.defaultHandshakeTimeoutSeconds)
    /// The window in which refused connections from one address for one reason are audited
    /// as one entry and one count (`refusal-audit-window-seconds:`). Default 60 seconds.
    package var refusalAuditWindow: Duration = .seconds(NodeConfiguration.defaultRefusalAuditWindowSeconds)

    /// The most connections one remote address may hold open (`connections-per-address:`).
    /// Default 32.
    package var connectionsPerAddress = NodeConfiguration.defaultConnectionsPerAddress
    /// The most connections open in all (`maximum-connections:`). Default 1,024.
    package var maximumConnections = NodeConfiguration.defaultMaximumConnections

    /// The default limit of connections from one address.
    package static let defaultConnectionsPerAddress = 32
    /// The default limit of connections in all.
    package static let defaultMaximumConnections = 1024
    /// The default handshake timeout in seconds.
    package static let defaultHandshakeTimeoutSeconds = 10
    /// The default refusal audit window in seconds.
    package static let defaultRefusalAuditWindowSeconds = 60
    /// The default report lag in days.
    package static let defaultReportLagDays = 14
    /// The default review grace period in days.
    package static let defaultReviewGraceDays = 30
    /// The default tombstone retention in days.
    package static let defaultTombstoneDays = 90

    /// The file name of a node's configuration inside its folder.
    package static let fileName = "node.yaml"
    /// The default database file name.
    package static let defaultDatabase = "vve.sqlite"
    /// The default listening address.
    package static let defaultListen = ListenAddress(host: "127.0.0.1", port: 7443)
    /// The default CA certificate path.
    package static let defaultCACertificate = "Certificates/ca.pem"
    /// The default linkage key path.
    package static let defaultLinkageKey = "Certificates/linkage.key"

    /// The default certificate path for a node.
    package static func defaultCertificate(for name: AuthorityName) -> String { "Certificates/\(name).pem" }
    /// The default private key path for a node.
    package static func defaultPrivateKey(for name: AuthorityName) -> String { "Certificates/\(name).key" }

    package init(
        name: AuthorityName, database: String = NodeConfiguration.defaultDatabase, listen: ListenAddress = NodeConfiguration.defaultListen,
        certificate: String? = nil, privateKey: String? = nil, caCertificate: String = NodeConfiguration.defaultCACertificate,
        linkageKey: String = NodeConfiguration.defaultLinkageKey, reviewGraceDays: Int = NodeConfiguration.defaultReviewGraceDays,
        tombstoneDays: Int = NodeConfiguration.defaultTombstoneDays
    ) {
        self.name = name
        self.database = database
        self.listen = listen
        self.certificate = certificate ?? Self.defaultCertificate(for: name)
        self.privateKey = privateKey ?? Self.defaultPrivateKey(for: name)
        self.caCertificate = caCertificate
        self.linkageKey = linkageKey
        self.reviewGraceDays = reviewGraceDays
        self.tombstoneDays = tombstoneDays
    }

    /// Parses `node.yaml` text. `file` names the file in error messages.
    package static func parse(_ text: String, file: String) throws(ConfigErrors) -> NodeConfiguration {
        var reader = try YAMLMappingReader.document(text, file: file)
        let name = reader.value(
            "name", required: "set it to the node's authority name, such as `name: camden`", rule: AuthorityName.rule, AuthorityName.init)
        let filePath: (String) -> String? = { $0.isEmpty || $0.hasSuffix("/") ? nil : $0 }
        let database = reader.value("database", rule: "must be a file name such as vve.sqlite", filePath)
        let listen = reader.value("listen", rule: ListenAddress.rule, ListenAddress.init)
        let certificate = reader.value("certificate", rule: "must be a PEM file, such as Certificates/camden.pem", filePath)
        let privateKey = reader.value("private-key", rule: "must be a PEM file, such as Certificates/camden.key", filePath)
        let caCertificate = reader.value("ca-certificate", rule: "must be a PEM file, such as Certificates/ca.pem", filePath)
        let linkageKey = reader.value("linkage-key", rule: "must be a file, such as Certificates/linkage.key", filePath)
        let days: (ClosedRange<Int>) -> (String) -> Int? = { range in { Int($0).flatMap { range.contains($0) ? $0 : nil } } }
        let grace = reader.value("review-grace-days", rule: "must be a whole number of days from 0 to 3650, such as 30", days(0...3650))
        let tombstones = reader.value("tombstone-days", rule: "must be a whole number of days from 1 to 3650, such as 90", days(1...3650))
        let contact = reader.value("lookup-contact", rule: "must be one line of at most 200 characters, such as \"MASH duty desk, 020 7946 0000\"") {
            text in
            let trimmed = text.trimmingWhitespace()
            return trimmed.isEmpty || trimmed.count > 200 || trimmed.contains("\n") ? nil : trimmed
        }
        let count: (String) -> Int? = { Int($0).flatMap { (1...1_000_000).contains($0) ? $0 : nil } }
        let rule = "must be a whole number from 1 to 1000000"
        let peerMinute = reader.value("peer-lookups-per-minute", rule: rule, count)
        let peerDay = reader.value("peer-lookups-per-day", rule: rule, count)
        let operatorMinute = reader.value("operator-lookups-per-minute", rule: rule, count)
        let operatorDay = reader.value("operator-lookups-per-day", rule: rule, count)
        let threshold = reader.value(
            "disclosure-threshold", rule: "must be a whole number from \(DisclosureRules.floor.threshold) to 1000; counts below it are suppressed",
            days(DisclosureRules.floor.threshold...1000))
        let roundingBase = reader.value(
            "rounding-base", rule: "must be a whole number of at least \(DisclosureRules.floor.roundingBase); released counts are multiples of it",
            days(DisclosureRules.floor.roundingBase...1000))
        var disclosure = DisclosureRules.floor
        switch DisclosureRules.make(threshold: threshold?.value ?? disclosure.threshold, roundingBase: roundingBase?.value ?? disclosure.roundingBase)
        {
        case .success(let rules): disclosure = rules
        case .failure(let problem): reader.fail(line: roundingBase?.line ?? threshold?.line ?? 0, "`rounding-base`: \(problem)")
        }
        let lag = reader.value("report-lag-days", rule: "must be a whole number of days from 0 to 365, such as 14", days(0...365))
        let peerTables = reader.value("aggregate-tables-per-peer-per-day", rule: rule, count)
        let analystTables = reader.value("report-tables-per-analyst-per-day", rule: rule, count)
        let handshake = reader.value(
            "handshake-timeout-seconds", rule: "must be a whole number of seconds from 1 to 120, such as 10", days(1...120))
        let refusalWindow = reader.value(
            "refusal-audit-window-seconds", rule: "must be a whole number of seconds from 1 to 3600, such as 60", days(1...3600))
        let perAddress = reader.value(
            "connections-per-address", rule: "must be a whole number from 1 to 10000, such as 32", days(1...10_000))
        let maximumConnections = reader.value(
            "maximum-connections", rule: "must be a whole number from 1 to 100000, such as 1024", days(1...100_000))
        let seriesBreaks = reader.seriesBreaks()
        let metrics = reader.value("metrics", rule: "must be HOST:PORT, such as 127.0.0.1:9464", ListenAddress.init)
        reader.finish()
        guard let name, reader.errors.isEmpty else { throw ConfigErrors(reader.errors) }
        var configuration = NodeConfiguration(
            name: name.value, database: database?.value ?? defaultDatabase, listen: listen?.value ?? defaultListen,
            certificate: certificate?.value, privateKey: privateKey?.value, caCertificate: caCertificate?.value ?? defaultCACertificate,
            linkageKey: linkageKey?.value ?? defaultLinkageKey, reviewGraceDays: grace?.value ?? defaultReviewGraceDays,
            tombstoneDays: tombstones?.value ?? defaultTombstoneDays)
        configuration.lookupContact = contact?.value
        configuration.disclosure = disclosure
        configuration.reportLagDays = lag?.value ?? defaultReportLagDays
        configuration.seriesBreaks = seriesBreaks
        configuration.metrics = metrics?.value
        configuration.handshakeTimeout = .seconds(handshake?.value ?? defaultHandshakeTimeoutSeconds)
        configuration.refusalAuditWindow = .seconds(refusalWindow?.value ?? defaultRefusalAuditWindowSeconds)
        configuration.connectionsPerAddress = perAddress?.value ?? defaultConnectionsPerAddress
        configuration.maximumConnections = maximumConnections?.value ?? defaultMaximumConnections
        configuration.peerAggregateLimits = AggregateLimits(tablesPerDay: peerTables?.value ?? AggregateLimits.peerDefault.tablesPerDay)
        configuration.analystAggregateLimits = AggregateLimits(tablesPerDay: analystTables?.value ?? AggregateLimits.analystDefault.tablesPerDay)
        configuration.peerLookupLimits = LookupLimits(
            perMinute: peerMinute?.value ?? LookupLimits.peerDefault.perMinute, perDay: peerDay?.value ?? LookupLimits.peerDefault.perDay)
        configuration.operatorLookupLimits = LookupLimits(
            perMinute: operatorMinute?.value ?? LookupLimits.operatorDefault.perMinute,
            perDay: operatorDay?.value ?? LookupLimits.operatorDefault.perDay)
        return configuration
    }

    /// `series-breaks:` as the file writes it: the breaks declared, or a commented example.
    var seriesBreaksYAML: String {
        let declared = Measure.allCases.flatMap { measure in (seriesBreaks[measure] ?? []).map { (measure, $0) } }
        guard !declared.isEmpty else {
            return """
                # series-breaks:
                #   - measure: missing-episodes
                #     date: 2025-04-01
                #     note: "Police recording changed: every absence is now recorded as missing."
                """
        }
        return
            (["series-breaks:"]
            + declared.map { measure, seriesBreak in
                let note = seriesBreak.note.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                return "  - measure: \(measure.rawValue)\n    date: \(seriesBreak.date)\n    note: \"\(note)\""
            }).joined(separator: "\n")
    }

    /// The file's text, as `vve init` writes it.
    package var yaml: String {
        """
        # vve node configuration. docs/guide/configuration.md describes every setting.
        # The node's name: its authority's region-wide name. Records created here are owned by it.
        name: \(name)
        # The case store, relative to this folder.
        database: \(database)
        # Where `vve serve` listens for peers (mutual TLS only).
        listen: \(listen)
        # This node's certificate and private key (from `vve cert request` and `vve cert sign`),
        # and the region CA's certificate, the only issuer peers may chain to.
        certificate: \(certificate)
        private-key: \(privateKey)
        ca-certificate: \(caCertificate)
        # The region's linkage key for match keys (from `vve linkage-key create`), mode 0600:
        # the same file on every node of the region. It never leaves the node in any message.
        linkage-key: \(linkageKey)
        # Retention: a record past its review date by this many days is erased everywhere, and
        # a tombstone is kept at least this long, until every holder has deleted its copy.
        review-grace-days: \(reviewGraceDays)
        tombstone-days: \(tombstoneDays)
        # Lookups (docs/guide/lookups.md): whom peers' officers call about a hit, required once
        # any peer file grants lookups, and how many lookups each asking peer and each
        # operator here may make.
        # lookup-contact: MASH duty desk, 020 7946 0000
        # peer-lookups-per-minute: \(LookupLimits.peerDefault.perMinute)
        # peer-lookups-per-day: \(LookupLimits.peerDefault.perDay)
        # operator-lookups-per-minute: \(LookupLimits.operatorDefault.perMinute)
        # operator-lookups-per-day: \(LookupLimits.operatorDefault.perDay)
        # Aggregate answers (docs/design/disclosure-control.md): counts below the threshold are
        # suppressed and the rest rounded to the base; a node may be stricter, never looser.
        # A quarter is reported once it has been closed this many days. Tables asked in any 24
        # hours are limited per asking peer and per analyst here.
        # disclosure-threshold: \(DisclosureRules.floor.threshold)
        # rounding-base: \(DisclosureRules.floor.roundingBase)
        # report-lag-days: \(Self.defaultReportLagDays)
        # aggregate-tables-per-peer-per-day: \(AggregateLimits.peerDefault.tablesPerDay)
        # report-tables-per-analyst-per-day: \(AggregateLimits.analystDefault.tablesPerDay)
        # Prometheus metrics on GET /metrics, plain HTTP on their own listener: keep it on
        # loopback (docs/guide/operations.md).
        \(metrics.map { "metrics: \($0)" } ?? "# metrics: 127.0.0.1:9464")
        # Breaks in a measure's series, which this node's answers carry and reports mark:
        \(seriesBreaksYAML)
        # Strangers: a connection must finish its TLS handshake within this many seconds; an
        # address's refused connections are audited once a window for each reason, and counted.
        # handshake-timeout-seconds: \(Self.defaultHandshakeTimeoutSeconds)
        # refusal-audit-window-seconds: \(Self.defaultRefusalAuditWindowSeconds)
        # connections-per-address: \(Self.defaultConnectionsPerAddress)
        # maximum-connections: \(Self.defaultMaximumConnections)

        """
    }
}
