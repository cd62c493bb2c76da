import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Hummingbird's TLS child channel, with the handshake wired to `ConnectionGate` per
/// connection, and handshake failures recorded.
struct PeerTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let context: NIOSSLContext
    let gate: ConnectionGate

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let attempt = HandshakeAttempt()
        let gate = self.gate
        let remote = remoteAddress(channel)
        return channel.eventLoop.makeCompletedFuture {
            let handler = NIOSSLServerHandler(
                context: context,
                customVerificationCallback: { certificates, promise in
                    let result = gate.verify(certificates, remote: remote)
                    // A refusal was recorded by the gate; the failure it causes must not be again.
                    attempt.markVerified()
                    promise.succeed(result)
                },
                configuration: .init())
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.pipeline.syncOperations.addHandler(HandshakeFailureRecorder(attempt: attempt, refusals: gate.refusals))
        }.flatMap {
            self.base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
