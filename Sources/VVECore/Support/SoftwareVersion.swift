/// This build of vve: what `vve --version` prints, and what a store records against each
/// item it sets aside, so that another version retries it.
package enum SoftwareVersion {
    package static let current = "0.1.0"
}
