import Vocabulary

/// The identifier of a device as named in the site file (for example `"bat1"`).
public struct DeviceID: StringIdentifier {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }
}
