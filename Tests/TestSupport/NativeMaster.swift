import Gateway
public import Modbus
public import SiteConfig
import Upstreams

/// A master of busbar's native upstream profile (docs/native-register-map.md) through busbar's
/// own client, naming registers as the site's native map does (`ess1.online`, `site.ess.mode`).
/// Blocking, like the client: call it from synchronous tests.
public final class NativeMaster {
    private let map: NativeRegisterMap
    private let client: ModbusClient
    private let unit: UInt8

    /// A master of the native profile of `site`, served on 127.0.0.1:`port`.
    public init(site: LoadedSite, port: Int, unit: UInt8 = 1) throws {
        map = NativeRegisterMap(site: site)
        client = try ModbusClient(
            endpoint: .tcp(host: "127.0.0.1", port: port), timeouts: .init(response: .seconds(2), byte: .seconds(1)))
        self.unit = unit
    }

    /// A register's value; nil when it reads as its type's "unknown" sentinel or the read fails
    /// (the gateway not serving yet).
    @available(*, noasync)
    public func value(_ name: String) -> Double? {
        guard let register = map.register(named: name),
            let words = try? client.read(.holding, unit: unit, address: register.address, count: register.count),
            let value = try? RegisterCodec(valueType: register.type).decode(words)
        else { return nil }
        switch value {
        case .int(let number): return number == Int64(Int32.min) || number == Int64(Int16.min) ? nil : Double(number)
        case .uint(let number):
            return number == UInt64(UInt32.max) || number == UInt64(UInt16.max) ? nil : Double(number)
        case .float(let number): return number.isNaN ? nil : number
        case .bool(let flag): return flag ? 1 : 0
        case .string: return nil
        }
    }

    /// Writes a mode of `block` (`site.ess`, `site.evcs`, a device id) by its name, with its
    /// parameter (W or A) and duration (s), in one FC16 from the block's mode register. Returns
    /// the exception the gateway answered, nil when it accepted the mode.
    @available(*, noasync)
    @discardableResult
    public func setMode(_ block: String, _ mode: String, parameter: Double = 0, duration: Double = 0) throws
        -> ExceptionCode?
    {
        guard let register = map.register(named: "\(block).mode"),
            let code = register.values?.first(where: { $0.name == mode })?.code
        else { throw FixtureFailure("the native map has no mode \(mode) for \(block)") }
        var words = try RegisterCodec(valueType: register.type).encode(engineering: Double(code))
        // The parameter and the duration follow the mode register, in this order.
        for value in [parameter, duration] {
            guard let next = map.register(at: register.address + words.count) else {
                throw FixtureFailure("the native map has no register after \(block).mode's block")
            }
            words += try RegisterCodec(valueType: next.type).encode(engineering: value)
        }
        do {
            try client.writeMultipleRegisters(unit: unit, address: register.address, values: words)
            return nil
        } catch {
            guard let exception = error.exceptionCode else { throw error }
            return exception
        }
    }
}
