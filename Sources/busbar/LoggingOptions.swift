import ArgumentParser
import Foundation
import Logging

/// `--log-level`, shared by the long-running commands.
struct LoggingOptions: ParsableArguments {
    @Option(
        help: "Log level: trace, debug, info, notice (the default), warning, error, critical.",
        transform: LoggingOptions.level)
    var logLevel: Logger.Level = .notice

    /// Sends logs to stderr at the chosen level and returns busbar's logger.
    func bootstrap() -> Logger {
        LoggingSystem.bootstrap { [logLevel] label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
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
