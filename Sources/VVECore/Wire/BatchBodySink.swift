/// Takes a batch's JSON (`ChangeBatch.encoded()`) piece by piece while the feed still
/// projects later items, so the server compresses an answer as it is built rather than after.
package protocol BatchBodySink: Sendable {
    /// A new batch begins: whatever was written for an earlier one (a long-poll's empty
    /// batch) is dropped.
    func begin() throws
    /// The next bytes of the body.
    func write(_ bytes: [UInt8]) throws
}
