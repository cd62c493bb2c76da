import Synchronization

/// What one connection's handshake came to, so a failure BoringSSL raises before our
/// verification runs (no certificate at all) is recorded once, and one we refused is not
/// recorded twice.
final class HandshakeAttempt: Sendable {
    private let verified = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    func markVerified() { verified.store(true, ordering: .relaxed) }
    var wasVerified: Bool { verified.load(ordering: .relaxed) }
    /// True the first time only.
    func finish() -> Bool { !finished.exchange(true, ordering: .relaxed) }
}
