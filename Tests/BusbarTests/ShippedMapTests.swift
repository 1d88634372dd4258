import TestSupport
import Testing

/// The device maps shipped in sites/devices pass `busbar check`.
struct ShippedMapTests {
    @Test(arguments: [
        "phoenix-ev-charge-control.yaml", "sunspec-storage-124.yaml", "webasto-next.yaml", "sunspec-inverter-103.yaml",
        "sma-sunny-tripower.yaml", "fronius-symo.yaml", "openems-edge.yaml",
    ])
    func passesCheck(file: String) throws {
        let result = try busbar("check", shippedMap(file))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.hasPrefix("ok: "), "\(result.output)")
    }
}
