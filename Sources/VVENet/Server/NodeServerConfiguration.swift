import VVEConfig

/// Settings of the node server, with the defaults `vve serve` uses.
package struct NodeServerConfiguration: Sendable {
    /// Where to listen.
    package var listen: ListenAddress
    /// Connections idle this long are closed, so a removed peer's open connection does not
    /// linger. Default 60 seconds.
    package var idleTimeout: Duration = .seconds(60)
    /// A connection that has not finished its TLS handshake this long after it was accepted
    /// is closed, and audited as refused. Default 10 seconds.
    package var handshakeTimeout: Duration = .seconds(10)
    /// The most connections one remote address may hold open; more are closed at once and
    /// audited as refused. Default 32: a peer keeps a few.
    package var connectionsPerAddress = 32
    /// The most connections open in all. Default 1,024.
    package var maximumConnections = 1024

    package init(listen: ListenAddress) {
        self.listen = listen
    }
}
