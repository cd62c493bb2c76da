import VVEConfig
import VVECore

/// Asks a peer for the anchors of this node's audit log that it kept.
package enum AuditAnchorRequest {
    /// Why a peer gave no anchors.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// The most anchors a peer's answer may hold: one a day, for longer than a peer keeps them.
    package static let maximumAnchors = 1_000

    /// The anchors `peer` kept of this node's log, oldest first.
    package static func anchors(
        from peer: PeerConfiguration, identity: NodeIdentity, timeout: Duration = .seconds(10)
    ) async throws
        -> [AuditAnchor]
    {
        let answer = try await PeerRequests.send("/v1/audit-anchors", from: peer, identity: identity, timeout: timeout)
        guard answer.status.code == 200 else {
            throw Failure(description: "HTTP \(answer.status.code): \(PeerText.reason(in: answer.body))")
        }
        guard let list = answer.body["anchors"]?.arrayValue, list.count <= maximumAnchors else {
            throw Failure(description: "its answer has no list of at most \(maximumAnchors) anchors")
        }
        var anchors: [AuditAnchor] = []
        for value in list {
            guard let anchor = AuditAnchor.read(value), anchor.seenAt != nil else {
                throw Failure(description: "its answer holds an anchor that is not a sequence, a hash and a time")
            }
            anchors.append(anchor)
        }
        return anchors
    }
}
