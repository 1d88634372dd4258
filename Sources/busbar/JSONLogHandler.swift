import Foundation
import Logging

/// Writes each log message as one JSON object on a line of stderr, for log shippers
/// (`--log-format json`). The fields are those of the text format, named:
///
/// ```json
/// {"label":"busbar","level":"notice","message":"gateway running","metadata":{"devices":"1","site":"Demo"},"source":"busbar","timestamp":"2026-11-27T01:13:05.123Z"}
/// ```
///
/// `timestamp` is ISO 8601 in UTC with milliseconds; `metadata` (absent when empty) keeps
/// swift-log's dotted keys (`device.id`) as they are, with strings, arrays and objects as JSON.
/// Keys are sorted, as in the JSON of the local API. Merging follows `StreamLogHandler`: the
/// handler's metadata, then the metadata provider's, then the message's own.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let record = Record(
            timestamp: Date().formatted(Self.timestampStyle), level: event.level.rawValue, label: label,
            source: event.source, message: event.message.description,
            metadata: merged.isEmpty ? nil : merged.mapValues(MetadataValue.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, arrays and objects of strings cannot fail; one write per line keeps
        // lines whole when several threads log at once. A stderr that went away (the reader of a
        // pipe exited) loses the line, as StreamLogHandler's fwrite does, rather than stopping
        // the gateway: `write(_:)` without `contentsOf:` would trap on EPIPE.
        guard var line = try? encoder.encode(record) else { return }
        line.append(UInt8(ascii: "\n"))
        try? FileHandle.standardError.write(contentsOf: line)
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// One line, as JSON.
    private struct Record: Encodable {
        let timestamp: String
        let level: String
        let label: String
        let source: String
        let message: String
        let metadata: [String: MetadataValue]?
    }

    /// A metadata value as JSON: `stringConvertible` values as their description.
    private enum MetadataValue: Encodable {
        case string(String)
        case array([MetadataValue])
        case object([String: MetadataValue])

        init(_ value: Logger.Metadata.Value) {
            switch value {
            case .string(let text): self = .string(text)
            case .stringConvertible(let convertible): self = .string(convertible.description)
            case .array(let values): self = .array(values.map(MetadataValue.init))
            case .dictionary(let values): self = .object(values.mapValues(MetadataValue.init))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .array(let values): try container.encode(values)
            case .object(let values): try container.encode(values)
            }
        }
    }
}
