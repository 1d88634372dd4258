import SwiftASN1
import X509

/// The Modbus role a client certificate carries (Modbus/TCP Security, MB-TCP-Security-v21 §6.2):
/// an X.509v3 extension with OID 1.3.6.1.4.1.50316.802.1 whose value is one ASN.1 UTF8String,
/// the role name. What a role may do is the server's to decide (the site file's `roles:`).
public enum ModbusRoleExtension {
    /// The Modbus.org role OID (PEN 50316, 802.1).
    static let oid: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 50316, 802, 1]

    /// The role name in the DER-encoded certificate `der`; nil when the certificate has no role
    /// extension, or its value is not one UTF8String (treated by the server as no role).
    public static func role(inCertificate der: [UInt8]) -> String? {
        guard let certificate = try? Certificate(derEncoded: der),
            let roleExtension = certificate.extensions[oid: oid],
            let name = try? ASN1UTF8String(derEncoded: roleExtension.value)
        else { return nil }
        return String(name)
    }
}
