import Control
import Gateway
import GatewayState
import Modbus
import SiteConfig
import Synchronization
import Upstreams
import Vocabulary

/// A command sink that records what a profile hands it and answers with a chosen verdict.
final class RecordingSink: ProfileTestSink {
    enum Event: Hashable {
        case submit(Command)
        case refresh(SourceID)
        case release(SourceID, Target?)
    }

    private let recorded = Mutex<[Event]>([])
    private let verdict: @Sendable (Command) -> Result<CommandReceipt, CommandRejection>
    let instant: ControlInstant

    init(
        at instant: ControlInstant = .seconds(1000),
        verdict: @escaping @Sendable (Command) -> Result<CommandReceipt, CommandRejection> = { command in
            .success(CommandReceipt(replaced: nil, expiresAt: command.issuedAt + .seconds(60)))
        }
    ) {
        self.instant = instant
        self.verdict = verdict
    }

    var events: [Event] { recorded.withLock { $0 } }
    var commands: [Command] {
        events.compactMap { if case .submit(let command) = $0 { command } else { nil } }
    }

    func submit(_ command: Command) -> Result<CommandReceipt, CommandRejection> {
        let result = verdict(command)
        if case .success = result { recorded.withLock { $0.append(.submit(command)) } }
        return result
    }

    func refresh(_ source: SourceID) { recorded.withLock { $0.append(.refresh(source)) } }
    func release(_ source: SourceID, target: Target?) { recorded.withLock { $0.append(.release(source, target)) } }
    func now() -> ControlInstant { instant }
}

/// The demo-like site of these tests: two batteries, two chargepoints and a grid meter.
enum NativeFixture {
    static let devices: [(id: DeviceID, kind: DeviceKind)] = [
        ("ess1", .battery), ("ess2", .battery), ("evse1", .chargepoint), ("evse2", .chargepoint), ("grid", .meter),
    ]
    static let map = NativeRegisterMap(siteName: "Test site", devices: devices)
    static let source: SourceID = "ems"
    static let unit: UInt8 = 1

    static func battery(_ id: String, soc: Double, power: Double, capacity: Double, online: Bool = true) -> DeviceStatus
    {
        DeviceStatus(
            id: id, kind: .battery, online: online, age: .milliseconds(350),
            values: [
                "soc": soc, "active_power": power, "allowed_charge_power": -5000, "allowed_discharge_power": 4000,
            ],
            identity: ["manufacturer": "Victron", "model": "MultiPlus-II", "serial": "HQ2207"],
            ratings: DeviceRatings(capacity: capacity, maxPower: 5000))
    }

    static func chargepoint(_ id: String, power: Double, online: Bool = true) -> DeviceStatus {
        DeviceStatus(
            id: id, kind: .chargepoint, online: online, age: .seconds(1),
            values: ["active_power": power, "plugged": 1],
            identity: [:], ratings: DeviceRatings(maxCurrent: 16, phases: 3))
    }

    /// A decision with a SET_POWER from another source on the ESS cluster (42 s left), the
    /// chargepoint cluster at its fallback, and ess1 held to a set-point.
    static let decision: Decision = {
        let setPower = ActiveCommand(
            command: CommandRef(origin: .source("cloud"), target: .essCluster, mode: .ess(.setPower(-3000))),
            priority: 5, issuedAt: .seconds(900), remaining: .milliseconds(41_200))
        let limit = ActiveCommand(
            command: CommandRef(
                origin: .source("ems"), target: .device("evse1"), mode: .chargepoint(.limit(current: 10))),
            priority: 10, issuedAt: .seconds(990), remaining: .seconds(50))
        let fallback = ActiveCommand(
            command: CommandRef(origin: .fallback, target: .chargepointCluster, mode: .chargepoint(.surplus)),
            priority: nil, issuedAt: nil, remaining: nil)
        return Decision(
            at: .seconds(1000),
            devices: [
                DeviceDecision(
                    device: "ess1", online: true, order: .setpoint(-1600), recipes: [], origins: [setPower.command]),
                DeviceDecision(
                    device: "ess2", online: true, order: .setpoint(-1400), recipes: [], origins: [setPower.command]),
                DeviceDecision(
                    device: "evse1", online: true, order: .current(10), recipes: [], origins: [limit.command]),
                DeviceDecision(device: "evse2", online: false, order: .auto, recipes: [], origins: []),
            ],
            ess: EssClusterStatus(
                online: 2, bounds: .point(-3000), allowedChargePower: -9500, allowedDischargePower: 8000,
                setpoint: -3000),
            chargepoints: ChargepointClusterStatus(online: 1, surplusPower: 2000, current: 10, limit: nil),
            active: [setPower, fallback, limit], lost: [],
            availableModes: [
                TargetModes(target: .essCluster, modes: ModeKind.allEss, heldBy: setPower),
                TargetModes(target: .chargepointCluster, modes: ModeKind.allChargepoint, heldBy: nil),
                TargetModes(target: .device("ess1"), modes: [.ess(.auto), .ess(.setPower)], heldBy: setPower),
            ])
    }()

    static let snapshot = GatewaySnapshot(
        siteName: "Test site", at: .seconds(1000),
        devices: [
            battery("ess1", soc: 60, power: -1600, capacity: 10_000),
            battery("ess2", soc: 40, power: -1400, capacity: 5_000),
            chargepoint("evse1", power: 6900),
            chargepoint("evse2", power: 3000, online: false),
            DeviceStatus(
                id: "grid", kind: .meter, online: true, age: .milliseconds(800), values: ["active_power": 2500],
                identity: [:], ratings: DeviceRatings()),
        ],
        decision: decision, gridPower: 2500)

    /// A profile over `snapshot` served on 127.0.0.1 with a fresh port, for the body's length.
    static func withServer(
        snapshot: GatewaySnapshot = snapshot, sink: RecordingSink = RecordingSink(),
        _ body: (ModbusTCPServer, NativeProfile) throws -> Void
    ) throws {
        let profile = NativeProfile(map: map, unit: unit, source: source, snapshot: { snapshot }, sink: sink)
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: profile)
        try server.start()
        defer { server.stop() }
        try body(server, profile)
    }

    static func client(_ server: ModbusTCPServer) throws -> ModbusClient {
        try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: server.port), timeouts: .init(response: .seconds(2)))
    }
}

extension ModbusClient {
    /// Reads and decodes the point `name` of the native map.
    func native(_ name: String, map: NativeRegisterMap = NativeFixture.map, table: RegisterTable = .holding) throws
        -> RegisterValue
    {
        guard let register = map.register(named: name) else { throw NativeTestError.noSuchPoint(name) }
        let words = try read(table, unit: NativeFixture.unit, address: register.address, count: register.count)
        return try RegisterCodec(valueType: register.type).decode(words)
    }

    /// The words of a write of `values` to consecutive points starting at `first`.
    func writeNative(_ first: String, _ values: [RegisterValue], map: NativeRegisterMap = NativeFixture.map) throws {
        guard let start = map.register(named: first) else { throw NativeTestError.noSuchPoint(first) }
        var words: [UInt16] = []
        var address = start.address
        for value in values {
            guard let register = map.register(at: address) else { throw NativeTestError.noSuchPoint("@\(address)") }
            words += try RegisterCodec(valueType: register.type).encode(value)
            address += register.count
        }
        try writeMultipleRegisters(unit: NativeFixture.unit, address: start.address, values: words)
    }
}

enum NativeTestError: Error {
    case noSuchPoint(String)
}
