import Foundation
import VVECore
import VVENet
import X509

/// Certificates made by the real tooling, in a temporary folder, then judged by `PeerTrust`.
package final class CertificateFixture {
    package let folder: String
    package let ca: RegionCA

    package init() throws {
        folder = NSTemporaryDirectory() + "vve-trust-" + UUID().uuidString
        ca = try RegionCA.create(in: folder + "/ca", name: "Test Region CA")
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    package func node(_ name: String, dns: [String] = [], signer: RegionCA? = nil, notBefore: Date? = nil, days: Int = 365) throws -> Certificate {
        let stem = folder + "/\(name)-" + UUID().uuidString
        let request = try NodeRequest.create(node: AuthorityName(name)!, dnsNames: dns, stem: stem)
        return try (signer ?? ca).sign(request, days: days, notBefore: notBefore)
    }
}
