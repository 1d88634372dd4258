import ArgumentParser
import Foundation
import Logging

/// `--log-level` and `--log-format`, shared by the long-running commands.
struct LoggingOptions: ParsableArguments {
    /// How a log message is written on stderr.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        /// swift-log's line: timestamp, level, label, metadata, `[source]`, message.
        case text
        /// One JSON object per line (`JSONLogHandler`).
        case json
    }

    @Option(
        help: "Log level: trace, debug, info, notice (the default), warning, error, critical.",
        transform: LoggingOptions.level)
    var logLevel: Logger.Level = .notice

    @Option(help: "Log format: text (the default), or json (one JSON object per line, for log shippers).")
    var logFormat: Format = .text

    /// Sends logs to stderr (which journald takes under systemd) at the chosen level and in the
    /// chosen format, and returns busbar's logger.
    func bootstrap() -> Logger {
        LoggingSystem.bootstrap { [logLevel, logFormat] label in
            switch logFormat {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = logLevel
                return handler
            }
        }
        return Logger(label: "busbar")
    }

    /// A level by name, in any case; anything else is a usage error (exit 64).
    static func level(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("log level \"\(text)\" is not one of \(names)")
        }
        return level
    }
}

/// `HOST:PORT` for listen addresses.
enum ListenAddress {
    static func parse(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ValidationError("listen address \"\(text)\" is not HOST:PORT, e.g. 0.0.0.0:502")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
