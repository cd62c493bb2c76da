import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import VVECore

/// Hummingbird's TLS child channel, with the handshake wired to `ConnectionGate` per
/// connection, and handshake failures recorded.
struct PeerTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let context: NIOSSLContext
    let gate: ConnectionGate
    /// How long the handshake may take before the connection is closed.
    let handshakeTimeout: TimeAmount
    /// Connections open, by address and in all.
    let limiter: ConnectionLimiter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let attempt = HandshakeAttempt()
        let gate = self.gate
        let remote = remoteAddress(channel)
        let host = RefusalLog.host(of: remote)
        if let refusal = limiter.enter(host) {
            gate.refusals.record(refusal, remote: remote, at: Timestamp(Date()))
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(refusal)
        }
        let limiter = self.limiter
        channel.closeFuture.whenComplete { _ in limiter.leave(host) }
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
            // A stranger that connects and never finishes a handshake would otherwise hold the
            // connection until the idle timeout; `finish()` is true only if no outcome came first.
            let deadline = channel.eventLoop.scheduleTask(in: handshakeTimeout) {
                guard attempt.finish() else { return }
                if !attempt.wasVerified {
                    gate.refusals.record(
                        .handshakeFailed(detail: "no handshake within \(handshakeTimeout.nanoseconds / 1_000_000_000) s"), remote: remote,
                        at: Timestamp(Date()))
                }
                channel.close(promise: nil)
            }
            channel.closeFuture.whenComplete { _ in deadline.cancel() }
        }.flatMap {
            self.base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
