import VVECore

/// Delivers lookup notices to the owners of the records they are about: the network one is
/// in VVENet.
package protocol LookupNoticeSender: Sendable {
    func send(_ notices: [LookupNotice], to owner: AuthorityName) async throws
}
