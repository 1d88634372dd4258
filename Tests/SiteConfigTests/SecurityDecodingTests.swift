import Foundation
import Modbus
import SiteConfig
import TestSupport
import Testing

/// A Modbus/TCP Security upstream as `busbar check` reads it: the PEM files read and checked,
/// paths relative to the site file, roles mapped to read or write, and every mistake located.
@Suite(.serialized)
struct SecurityDecodingTests {
    static let madePKI = Result { try TestCertificates(roles: ["operator"]) }

    /// Writes `yaml` as a site file in the PKI's folder (so the PEM files are beside it).
    func site(_ yaml: String) throws -> String {
        let pki = try Self.madePKI.get()
        let path = pki.folder.appendingPathComponent("site-\(UUID().uuidString).yaml").path
        let map = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sites/devices/victron-gx-ess.yaml").path
        let text = yaml + "devices:\n  - {id: ess1, map: \(map), uri: \"127.0.0.1:1502\", unit: 100}\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aTLSUpstreamReadsItsFilesBesideTheSiteFileAndListensOn802() throws {
        let path = try site(
            """
            site: Secure
            upstream:
              - {profile: native, tls: {cert: server.pem, key: server.key, ca: ca.pem, roles: {operator: write, viewer: read}}}
              - {profile: openems, listen: "127.0.0.1:5020"}

            """)
        let loaded = try SiteLoader.load(path: path).get()
        let ca = try Self.madePKI.get().ca
        let secure = try #require(loaded.site.upstreams.first)
        #expect(secure.port == 802)
        #expect(secure.security?.roles == ["operator": .write, "viewer": .read])
        #expect(secure.security?.caPath == ca)
        #expect(secure.serverConfiguration.security == secure.security)
        #expect(loaded.site.upstreams.last?.security == nil)
    }

    @Test func missingFilesKeysThatDoNotFitAndUnknownRightsAreLocated() throws {
        let path = try site(
            """
            site: Broken security
            upstream:
              - {profile: native, tls: {cert: missing.pem, key: server.key, ca: ca.pem}}
              - {profile: openems, tls: {cert: server.pem, key: client.key, ca: ca.pem}, listen: "0.0.0.0:8021"}
              - {profile: native, listen: "0.0.0.0:8022", tls: {cert: server.pem, key: server.key, ca: server.key,
                  roles: {operator: admin}, crl: x.pem}}
              - {profile: openems, listen: "0.0.0.0:8023", tls: {cert: server.pem}}

            """)
        let (site, diagnostics) = SiteLoader.check(path: path)
        #expect(site == nil)
        let report = diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
        let expected = [
            ("3:", "tls: cert: cannot read"), ("4:", "does not fit the certificate"),
            ("5:", "tls: ca: cannot parse"), ("6:", "operator: found \"admin\""), ("6:", "unknown key \"crl\""),
            ("7:", "without \"key\""), ("7:", "without \"ca\""),
        ]
        for (line, text) in expected {
            #expect(report.contains { $0.hasPrefix(line) && $0.contains(text) }, "\(line) \(text): \(report)")
        }
    }
}
