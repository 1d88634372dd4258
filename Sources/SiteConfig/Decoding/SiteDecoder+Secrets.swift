import Foundation

extension SiteDecoder {
    /// A secret of the site file: written in place (`${NAME}` taken from the environment), or
    /// read from a file (`<key>_file`, relative to the site file), so that tokens and API keys
    /// need not sit in the site file. Both at once, an unset variable, or an unreadable or empty
    /// file are located errors.
    func secret(_ section: MappingReader, _ key: String, required: Bool = false, expected: String) -> Located<String>? {
        let fileKey = "\(key)_file"
        let inline = section.string(key, expected: expected)
        let path = section.string(fileKey, expected: "the path of a file holding the \(key)")
        if let inline, path != nil {
            sink.error(inline.location, "\(key): found both \(key) and \(fileKey), expected one of them")
            return nil
        }
        if let path {
            let url = URL(fileURLWithPath: self.path(relativeToSite: path.value))
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                sink.error(path.location, "\(fileKey): cannot read \"\(path.value)\", expected a readable file")
                return nil
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                sink.error(path.location, "\(fileKey): found an empty file \"\(path.value)\", expected the \(key)")
                return nil
            }
            return Located(value: value, location: path.location)
        }
        guard let inline else {
            if required {
                sink.error(section.location, "found no \(key) or \(fileKey), expected \(expected)")
            }
            return nil
        }
        return expandingEnvironment(inline, key: key)
    }

    /// `${NAME}` replaced by the environment's value.
    private func expandingEnvironment(_ text: Located<String>, key: String) -> Located<String>? {
        var result = ""
        var rest = Substring(text.value)
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                sink.error(text.location, "\(key): found an unclosed ${, expected ${NAME}")
                return nil
            }
            let name = String(rest[open.upperBound..<close])
            guard let value = ProcessInfo.processInfo.environment[name] else {
                sink.error(text.location, "\(key): found ${\(name)}, which is not set in the environment")
                return nil
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return Located(value: result + rest, location: text.location)
    }

    /// Whether `host` is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
