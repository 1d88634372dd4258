import Modbus
import Synchronization

/// One TCP endpoint of the simulation: every unit id behind it (a Victron GX and the grid
/// meter on one port) served by one ``ModbusTCPServer``, which can be stopped and started again
/// on the same port to take the endpoint off the network and bring it back.
final class SimulatedEndpoint: Sendable {
    let host: String
    /// The port the site file names.
    let configuredPort: Int
    private let requestedPort: Int
    private let router: UnitRouter

    private struct State {
        var server: ModbusTCPServer?
        /// The bound port, kept across a stop so that a restart comes back on it.
        var port: Int?
    }

    private let state = Mutex(State())

    init(host: String, configuredPort: Int, requestedPort: Int, devices: [DeviceRegisters]) {
        self.host = host
        self.configuredPort = configuredPort
        self.requestedPort = requestedPort
        var units: [UInt8: any ModbusRequestHandler] = [:]
        for device in devices {
            for unit in device.units { units[UInt8(unit)] = device }
        }
        router = UnitRouter(units: units)
    }

    /// The bound port once started (also while stopped after a start), else the requested one.
    var port: Int { state.withLock { $0.port ?? requestedPort } }

    var isServing: Bool { state.withLock { $0.server != nil } }

    /// Binds and serves; does nothing when already serving.
    func start() throws(ModbusError) {
        let port = self.port
        let server = ModbusTCPServer(host: host, port: port, handler: router)
        let started: Bool = state.withLock { state in
            guard state.server == nil else { return false }
            state.server = server
            return true
        }
        guard started else { return }
        do throws(ModbusError) {
            try server.start()
        } catch {
            state.withLock { $0.server = nil }
            throw error
        }
        state.withLock { $0.port = server.port }
    }

    /// Closes the listener and every connection: masters see refused connections.
    func stop() {
        let server = state.withLock { state -> ModbusTCPServer? in
            defer { state.server = nil }
            return state.server
        }
        server?.stop()
    }
}
