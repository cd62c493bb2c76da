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

    package init(listen: ListenAddress) {
        self.listen = listen
    }
}
