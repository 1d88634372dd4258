import ArgumentParser
import Modbus

extension ConnectionOptions {
    /// Refuses, before anything is sent, unit ids that address no device on `endpoint` (on a
    /// serial line everything outside 1…247, where libmodbus would abort or address the unit
    /// before): one line on stderr and status 64.
    /// - Parameter source: where the ids came from, e.g. `--unit` or `--units`.
    func requireDeviceUnits(_ units: [UInt8], on endpoint: Endpoint, source: String = "--unit") throws {
        let refused = units.filter { !endpoint.deviceUnits.contains($0) }
        guard !refused.isEmpty else { return }
        let place: String =
            switch endpoint {
            case .tcp: "\(endpoint)"
            case .rtu(let line): line.device
            }
        let what = refused.count == 1 ? "is not a device address" : "are not device addresses"
        throw CommandFailure.badArgument(
            "\(source) \(Self.runs(of: refused)) \(what) on \(place); \(SerialLine.deviceUnitsRule)")
    }

    /// `0, 248-255`: the ids as runs.
    private static func runs(of units: [UInt8]) -> String {
        var runs: [ClosedRange<UInt8>] = []
        for unit in Set(units).sorted() {
            if let last = runs.last, last.upperBound &+ 1 == unit {
                runs[runs.count - 1] = last.lowerBound...unit
            } else {
                runs.append(unit...unit)
            }
        }
        return runs.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(
            separator: ", ")
    }
}
