import Control
import Foundation
import Gateway
import GatewayState
import Modbus
import SiteConfig
import Synchronization
import TestSupport
import Upstreams
import Vocabulary

/// A command sink that records what a profile sends, with a clock the test moves.
final class OpenEMSRecordingSink: ProfileTestSink {
    struct Record {
        var commands: [Command] = []
        var refreshes: [SourceID] = []
        var releases: [(SourceID, Target?)] = []
        var clock = ControlInstant.seconds(100)
    }

    let record = Mutex(Record())

    var commands: [Command] { record.withLock { $0.commands } }
    var refreshes: [SourceID] { record.withLock { $0.refreshes } }
    var releases: [(SourceID, Target?)] { record.withLock { $0.releases } }

    func advance(to instant: ControlInstant) { record.withLock { $0.clock = instant } }

    func submit(_ command: Command) -> Result<CommandReceipt, CommandRejection> {
        record.withLock { $0.commands.append(command) }
        return .success(CommandReceipt(replaced: nil, expiresAt: command.issuedAt + .seconds(60)))
    }

    func refresh(_ source: SourceID) { record.withLock { $0.refreshes.append(source) } }
    func release(_ source: SourceID, target: Target?) { record.withLock { $0.releases.append((source, target)) } }
    func now() -> ControlInstant { record.withLock { $0.clock } }
}

/// A site of two batteries, a grid meter and a chargepoint, as the gateway would publish it.
enum OpenEMSFixture {
    static let layout = OpenEMSLayout(essID: "ess0", meters: ["grid"], chargepoints: ["evse1"])

    static func snapshot(allowedCharge: Double = -11_000, allowedDischarge: Double = 11_000) -> GatewaySnapshot {
        let devices = [
            DeviceStatus(
                id: "ess1", kind: .battery, online: true, age: .zero, values: ["soc": 60, "active_power": 1000],
                identity: [:], ratings: DeviceRatings(capacity: 10_000, maxPower: 5000)),
            DeviceStatus(
                id: "ess2", kind: .battery, online: true, age: .zero, values: ["soc": 40, "active_power": 500],
                identity: [:], ratings: DeviceRatings(capacity: 10_000, maxPower: 6000)),
            DeviceStatus(
                id: "grid", kind: .meter, online: true, age: .zero,
                values: ["active_power": 2500, "active_power_l1": 800, "active_power_l2": 900, "active_power_l3": 800],
                identity: [:], ratings: DeviceRatings()),
            DeviceStatus(
                id: "evse1", kind: .chargepoint, online: true, age: .zero,
                values: ["active_power": 4000, "current_limit": 10, "plugged": 1], identity: [:],
                ratings: DeviceRatings(maxCurrent: 16, phases: 3)),
        ]
        let decision = Decision(
            at: .seconds(100), devices: [],
            ess: EssClusterStatus(
                online: 2, bounds: .unbounded, allowedChargePower: allowedCharge,
                allowedDischargePower: allowedDischarge, setpoint: nil),
            chargepoints: ChargepointClusterStatus(online: 1, surplusPower: nil, current: 10, limit: nil),
            active: [], lost: [], availableModes: [])
        return GatewaySnapshot(
            siteName: "Test site", at: .seconds(100), devices: devices, decision: decision, gridPower: 2500)
    }

    static func profile(
        sink: OpenEMSRecordingSink, apiTimeout: Duration? = .seconds(60),
        snapshot: @escaping @Sendable () -> GatewaySnapshot? = { OpenEMSFixture.snapshot() }
    ) -> OpenEMSProfile {
        OpenEMSProfile(layout: layout, apiTimeout: apiTimeout, snapshot: snapshot, sink: sink)
    }

    /// Serves `handler` on a free loopback port for the duration of `body`.
    static func withServer<T>(_ handler: any ModbusRequestHandler, _ body: (ModbusTCPServer) throws -> T) throws -> T {
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: handler)
        try server.start()
        defer { server.stop() }
        return try body(server)
    }

    static func client(_ server: ModbusTCPServer) throws -> ModbusClient {
        try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: server.port))
    }

    static func float(_ words: [UInt16]) -> Float {
        Float(bitPattern: UInt32(words[0]) << 16 | UInt32(words[1]))
    }

    static func words(_ value: Float) -> [UInt16] {
        [UInt16(value.bitPattern >> 16), UInt16(value.bitPattern & 0xFFFF)]
    }

    static func text(_ words: [UInt16]) -> String {
        String(decoding: words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }.filter { $0 != 0 }, as: UTF8.self)
    }
}

extension ModbusClient {
    /// Reads `range` in requests of at most 125 registers that never end inside a record nor
    /// read a lone padding word.
    @available(*, noasync)
    func readTable(_ table: RegisterTable, _ range: Range<Int>, layout: OpenEMSTable) throws -> [UInt16] {
        var words: [UInt16] = []
        var start = range.lowerBound
        while start < range.upperBound {
            var end = min(start + ModbusLimits.maxReadRegisters, range.upperBound)
            if range.upperBound - end == 1 { end -= 1 }  // a lone padding word would be refused
            while let entry = layout.entry(at: end - 1), entry.addresses.upperBound > end { end -= 1 }
            words += try read(table, unit: 1, address: start, count: end - start)
            start = end
        }
        return words
    }
}

extension OpenEMSFixture {
    /// The Modbus exception `body` failed with; `nil` when it succeeded or failed otherwise.
    static func exception(_ body: () throws -> Void) -> ExceptionCode? {
        do {
            try body()
            return nil
        } catch {
            return (error as? ModbusError)?.exceptionCode
        }
    }
}
