public import Modbus
public import SiteConfig

/// One recipe step made ready to write to a device through its map: the value evaluated over
/// the mode's parameters, the map's constants and the last values read, encoded with the
/// point's codec (its scale-factor register applied, as reads apply it), on the point's unit id.
public struct StepWrite: Sendable, Hashable {
    /// The point written.
    public var point: Point
    /// The unit id the write goes to: the point's own, else the device's.
    public var unit: UInt8
    /// The value in engineering units.
    public var value: Double
    /// The words written: 0 or 1 for a coil.
    public var words: [UInt16]

    /// `step` for the device on `deviceUnit`; nil when the map has no such point (the map's
    /// check refuses that, so a step is never half-known).
    ///
    /// - Throws: ``WriteFailure`` when the value cannot be evaluated (a value it needs is
    ///   unknown), the point's scale factor has not been read yet, or the value does not fit
    ///   the point's encoding.
    public init?(
        _ step: WriteStep, of map: DeviceMap, deviceUnit: Int, parameters: [String: Double], values: [String: Double]
    ) throws(WriteFailure) {
        guard let point = map.point(named: step.point) else { return nil }
        guard let value = step.value.evaluate({ parameters[$0] ?? map.constants[$0] ?? values[$0] }) else {
            throw WriteFailure(message: "cannot evaluate \(step.value) for \(step.point): a value it needs is unknown")
        }
        self.point = point
        self.unit = UInt8(clamping: point.unit(device: deviceUnit))
        self.value = value
        if point.table == .coil {
            words = [value != 0 ? 1 : 0]
            return
        }
        var codec = point.codec
        if let factor = point.scaleRegister {
            guard let exponent = values[factor] else {
                throw WriteFailure(message: "scale factor \(factor) of \(step.point) has not been read yet")
            }
            codec = point.codec(scaleFactor: Int(exponent))
        }
        do {
            words = try codec.encode(engineering: value)
        } catch {
            throw WriteFailure(message: "\(step.point): \(error)")
        }
    }

    /// Writes the words: FC5 for a coil, FC6 for one register, FC16 for more (a multi-register
    /// value is never split). With `readBack`, reads a register point back afterwards (a
    /// write-only point is not read) and returns the words read when they differ from the
    /// written ones: the device took the write but holds something else.
    @available(*, noasync, message: "blocks on the device")
    public func perform(with client: ModbusClient, readBack: Bool) throws(ModbusError) -> [UInt16]? {
        if point.table == .coil {
            try client.writeSingleCoil(unit: unit, address: point.address, value: words[0] != 0)
            return nil
        }
        if words.count == 1 {
            try client.writeSingleRegister(unit: unit, address: point.address, value: words[0])
        } else {
            try client.writeMultipleRegisters(unit: unit, address: point.address, values: words)
        }
        guard readBack, point.access != .write else { return nil }
        let back = try client.read(point.table, unit: unit, address: point.address, count: words.count)
        return back == words ? nil : back
    }
}

/// A recipe step that could not be written, with why.
public struct WriteFailure: Error, CustomStringConvertible, Sendable, Hashable {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
