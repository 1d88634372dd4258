import SiteConfig
import TestSupport
import Testing

/// A battery whose endpoint stops answering, seen from `busbar run`: one SMA battery on its own
/// endpoint and two on a healthy pymodbus endpoint (unit ids 3 and 4). The silent endpoint is a
/// listener that accepts and never answers, or one that breaks off mid-frame.
@Suite(.serialized)
struct SilentDeviceTests {
    enum Silence: String, CaseIterable, CustomTestStringConvertible {
        case neverAnswers
        case closesMidFrame

        var testDescription: String { rawValue }

        /// A peer in place of the device on `port`.
        func start(port: Int) throws -> Peer {
            switch self {
            case .neverAnswers:
                let socat = try Peer(
                    "/usr/bin/socat",
                    ["-d", "-d", "TCP-LISTEN:\(port),bind=127.0.0.1,fork,reuseaddr", "SYSTEM:cat >/dev/null"])
                guard socat.waitForOutput("listening on") else { throw FixtureFailure("socat: \(socat.errorOutput)") }
                return socat
            case .closesMidFrame:
                let server = try Peer(Paths.python, [Paths.script("half_frame_server.py"), "\(port)"])
                guard server.waitForOutput("READY") else {
                    throw FixtureFailure("half_frame_server.py: \(server.errorOutput)")
                }
                return server
            }
        }
    }

    static let file = "sma-sunny-boy-storage.yaml"
    /// An idle SMA battery at 50 %.
    static let telemetry: [String: PymodbusMapDevice.Raw] = [
        "active_power": 0, "soc": 50, "charge_power": 0, "discharge_power": 0,
    ]

    /// The S32 power set-point a battery on `unit` of `peer` holds, W (SMA: + discharge, − charge).
    func setpoint(_ peer: PymodbusMapDevice, unit: Int) -> Int? {
        (try? peer.words("power_setpoint", device: unit)).flatMap(ModbusWords.int32Value)
    }

    @Test(arguments: Silence.allCases)
    func aSilentBatteryGoesOfflineItsShareMovesToTheOthersAndItRejoinsWhenItAnswers(silence: Silence) throws {
        let map = try loadShippedMap(Self.file)
        let lonePort = freePort()
        let sharedPort = freePort()
        var lone = try PymodbusMapDevice(.init(map: map, unit: 3, values: Self.telemetry), on: .tcp(port: lonePort))
        let shared = try PymodbusMapDevice(
            [.init(map: map, unit: 3, values: Self.telemetry), .init(map: map, unit: 4, values: Self.telemetry)],
            on: .tcp(port: sharedPort))
        let battery = "map: \(shippedMap(Self.file)), capacity: 10 kWh, max_power: 6 kW"
        let site = try RunningSite(devices: [
            "{id: ess1, \(battery), uri: \"127.0.0.1:\(lonePort)\", unit: 3}",
            "{id: ess2, \(battery), uri: \"127.0.0.1:\(sharedPort)\", unit: 3}",
            "{id: ess3, \(battery), uri: \"127.0.0.1:\(sharedPort)\", unit: 4}",
        ])
        try #require(eventually { ["ess1", "ess2", "ess3"].allSatisfy(site.isOnline) })

        // Charging 6000 W in equal shares: 2000 W each.
        try #require(site.master.setMode("site.ess", "SET_POWER", parameter: -6000) == nil)
        #expect(
            eventually {
                setpoint(lone, unit: 3) == -2000 && setpoint(shared, unit: 3) == -2000
                    && setpoint(shared, unit: 4) == -2000
            })

        // The lone battery's endpoint goes silent: after its missed polls it is offline, while
        // the two behind the healthy endpoint stay online throughout.
        lone.stop()
        let silent = try silence.start(port: lonePort)
        defer { silent.stop() }
        var othersStayedOnline = true
        #expect(
            eventually(timeout: .seconds(30)) {
                othersStayedOnline = othersStayedOnline && site.isOnline("ess2") && site.isOnline("ess3")
                return !site.isOnline("ess1")
            })
        #expect(othersStayedOnline)
        #expect(eventually(timeout: .seconds(30)) { site.logged("device offline", device: "ess1") })

        // Its share moves to the others: 3000 W each, adding up to the target.
        #expect(eventually { setpoint(shared, unit: 3) == -3000 && setpoint(shared, unit: 4) == -3000 })
        #expect((setpoint(shared, unit: 3) ?? 0) + (setpoint(shared, unit: 4) ?? 0) == -6000)

        // A working device answers at the silent one's address again: it rejoins and is given
        // its share, written whole into its fresh registers.
        silent.stop()
        lone = try PymodbusMapDevice(.init(map: map, unit: 3, values: Self.telemetry), on: .tcp(port: lonePort))
        #expect(eventually(timeout: .seconds(40)) { site.isOnline("ess1") })
        #expect(
            eventually {
                setpoint(lone, unit: 3) == -2000 && setpoint(shared, unit: 3) == -2000
                    && setpoint(shared, unit: 4) == -2000
            })
        #expect(try lone.words("power_control") == ModbusWords.uint32(802))
        #expect(site.isOnline("ess2") && site.isOnline("ess3"))
    }
}
