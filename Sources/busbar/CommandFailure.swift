import ArgumentParser
import Foundation
import Modbus

/// How a register command reports a failure: one line on stderr and a distinct exit status.
enum CommandFailure {
    /// 1: the device answered with a Modbus exception.
    static let exception = ExitCode(1)
    /// 2: no usable answer (refused, timed out, closed, garbled).
    static let noAnswer = ExitCode(2)

    static func report(_ error: ModbusError) -> ExitCode {
        printError(error.description)
        if case .exception = error.kind { return exception }
        if case .invalidArgument = error.kind { return ExitCode.validationFailure }
        return noAnswer
    }

    /// A value that cannot be encoded, found after the arguments parsed: stderr and 64.
    static func badArgument(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode.validationFailure
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("busbar: \(message)\n".utf8))
    }
}
