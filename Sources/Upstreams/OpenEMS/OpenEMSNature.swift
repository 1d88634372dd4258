import SiteConfig

/// One OpenEMS nature's Modbus table (`getModbusSlaveNatureTable`): its hash, its length and
/// its records at offsets from the nature start + 2. Copied from OpenEMS `develop` 0e4ea8881f
/// (docs/openems.md, "Records and natures"); an Edge2Edge master maps a nature by its hash with its **own**
/// copy of these offsets, so they must not drift.
public struct OpenEMSNature: Sendable, Hashable {
    /// One record of the nature.
    public struct Record: Sendable, Hashable {
        /// From the nature start + 2 (after the hash and length words).
        public var offset: Int
        /// `nil` for a reserved record.
        public var channel: OpenEMSChannel?
        public var type: OpenEMSType
        public var access: OpenEMSAccess

        init(_ offset: Int, _ channel: OpenEMSChannel?, _ type: OpenEMSType, _ access: OpenEMSAccess = .readOnly) {
            self.offset = offset
            self.channel = channel
            self.type = type
            self.access = channel == nil ? .reserved : access
        }
    }

    /// The Java interface's simple class name, e.g. `SymmetricEss`.
    public var name: String
    /// Words the nature occupies, its hash and length words included.
    public var length: Int
    package var records: [Record]

    /// `name.hashCode() & 0xFFFF`, as OpenEMS writes it in the nature's first word.
    public var hash: UInt16 { OpenEMSNature.hash(name) }

    /// Java's `String.hashCode()` cut to its low 16 bits: "OpenEMS" gives 0x6201.
    public static func hash(_ text: String) -> UInt16 { OpenEMSEdgeSpec.hash(text) }

    /// The record holding `channel`.
    package func record(_ channel: OpenEMSChannel) -> Record? {
        records.first { $0.channel == channel }
    }
}

extension OpenEMSNature {
    /// Every component's first nature: its state.
    public static let openemsComponent = OpenEMSNature(
        name: "OpenemsComponent", length: 80, records: [Record(0, .state, .enum16)])

    /// The `_sum` component's table (`Sum.getModbusSlaveNatureTable`).
    public static let sum = OpenEMSNature(
        name: "Sum", length: 220,
        records: [
            Record(0, .essSoc, .uint16), Record(1, .essActivePower, .float32),
            Record(3, nil, .float32), Record(5, nil, .float32),  // EssMin/MaxActivePower
            Record(7, .essReactivePower, .float32),
            Record(9, nil, .float32), Record(11, nil, .float32),  // EssMin/MaxReactivePower
            Record(13, .gridActivePower, .float32), Record(15, .gridMinActivePower, .float32),
            Record(17, .gridMaxActivePower, .float32),
            Record(19, nil, .float32), Record(21, nil, .float32), Record(23, nil, .float32),  // grid reactive
            Record(25, .productionActivePower, .float32), Record(27, .productionMaxActivePower, .float32),
            Record(29, .productionAcActivePower, .float32), Record(31, .productionMaxAcActivePower, .float32),
            Record(33, nil, .float32), Record(35, nil, .float32),  // production reactive
            Record(37, .productionDcActualPower, .float32), Record(39, .productionMaxDcActualPower, .float32),
            Record(41, .consumptionActivePower, .float32), Record(43, .consumptionMaxActivePower, .float32),
            Record(45, nil, .float32), Record(47, nil, .float32),  // consumption reactive
            Record(49, .essActiveChargeEnergy, .float64), Record(53, .essActiveDischargeEnergy, .float64),
            Record(57, .gridBuyActiveEnergy, .float64), Record(61, .gridSellActiveEnergy, .float64),
            Record(65, .productionActiveEnergy, .float64), Record(69, .productionAcActiveEnergy, .float64),
            Record(73, .productionDcActiveEnergy, .float64), Record(77, .consumptionActiveEnergy, .float64),
            Record(81, nil, .float64), Record(85, nil, .float64),
            Record(89, .essActivePowerL1, .float32), Record(91, .essActivePowerL2, .float32),
            Record(93, .essActivePowerL3, .float32),
            Record(95, .gridActivePowerL1, .float32), Record(97, .gridActivePowerL2, .float32),
            Record(99, .gridActivePowerL3, .float32),
            Record(101, .productionAcActivePowerL1, .float32), Record(103, .productionAcActivePowerL2, .float32),
            Record(105, .productionAcActivePowerL3, .float32),
            Record(107, .consumptionActivePowerL1, .float32), Record(109, .consumptionActivePowerL2, .float32),
            Record(111, .consumptionActivePowerL3, .float32),
            Record(113, .essDischargePower, .float32), Record(115, .gridMode, .enum16),
            Record(116, .offGridTime, .float32), Record(118, .essCapacity, .float32),
        ])

    /// `SymmetricEss.getModbusSlaveNatureTable`.
    public static let symmetricEss = OpenEMSNature(
        name: "SymmetricEss", length: 100,
        records: [
            Record(0, .soc, .uint16), Record(1, .gridMode, .enum16), Record(2, .activePower, .float32),
            Record(4, .reactivePower, .float32), Record(6, .minCellVoltage, .float32),
            Record(8, .maxCellVoltage, .float32), Record(10, .minCellTemperature, .float32),
            Record(12, .maxCellTemperature, .float32), Record(14, .capacity, .float32),
            Record(16, .maxApparentPower, .float32),
        ])

    /// `ManagedSymmetricEss.getModbusSlaveNatureTable` in a READ_WRITE API.
    public static let managedSymmetricEss = OpenEMSNature(
        name: "ManagedSymmetricEss", length: 100,
        records: [
            Record(0, .allowedChargePower, .float32), Record(2, .allowedDischargePower, .float32),
            Record(4, .setActivePowerEquals, .float32, .writeOnly),
            Record(6, .setReactivePowerEquals, .float32, .writeOnly),
            Record(8, .setActivePowerLessOrEquals, .float32, .writeOnly),
            Record(10, .setReactivePowerLessOrEquals, .float32, .writeOnly),
            Record(12, .setActivePowerGreaterOrEquals, .float32, .writeOnly),
            Record(14, .setReactivePowerGreaterOrEquals, .float32, .writeOnly),
        ])

    /// `ElectricityMeter.getModbusSlaveNatureTable`. The per-phase reactive powers, voltages,
    /// currents and energies are FLOAT32 channels busbar does not read: they read NaN
    /// (0x7FC0 0000), as OpenEMS holds a channel without a value.
    public static let electricityMeter = OpenEMSNature(
        name: "ElectricityMeter", length: 200,
        records: [
            Record(0, .frequency, .float32), Record(2, nil, .uint32), Record(4, nil, .uint32),
            Record(6, .activePower, .float32), Record(8, .reactivePower, .float32),
            Record(10, .activeProductionEnergy, .float32), Record(12, .activeConsumptionEnergy, .float32),
            Record(14, .voltage, .float32), Record(16, .current, .float32),
        ] + stride(from: 18, to: 100, by: 2).map { Record($0, nil, .uint32) } + [
            Record(100, .activePowerL1, .float32), Record(102, .activePowerL2, .float32),
            Record(104, .activePowerL3, .float32),
            Record(106, .reactivePowerL1, .float32), Record(108, .reactivePowerL2, .float32),
            Record(110, .reactivePowerL3, .float32),
            Record(112, .voltageL1, .float32), Record(114, .voltageL2, .float32), Record(116, .voltageL3, .float32),
            Record(118, .currentL1, .float32), Record(120, .currentL2, .float32), Record(122, .currentL3, .float32),
            Record(124, .activeProductionEnergyL1, .float32), Record(126, .activeProductionEnergyL2, .float32),
            Record(128, .activeProductionEnergyL3, .float32),
            Record(130, .activeConsumptionEnergyL1, .float32), Record(132, .activeConsumptionEnergyL2, .float32),
            Record(134, .activeConsumptionEnergyL3, .float32),
        ])

    /// `Evcs.getModbusSlaveNatureTable`.
    public static let evcs = OpenEMSNature(
        name: "Evcs", length: 100,
        records: [
            Record(0, .status, .uint16), Record(1, nil, .uint16), Record(2, .chargingType, .uint16),
            Record(3, .phases, .uint16), Record(4, .maximumHardwarePower, .uint16),
            Record(5, .minimumHardwarePower, .uint16), Record(6, .maximumPower, .uint16),
            Record(7, .energySession, .uint16), Record(8, .chargingstationCommunicationFailed, .uint16),
        ])

    /// `ManagedEvcs.getModbusSlaveNatureTable`: the charge power limit in W and the display
    /// text (read-only here: busbar drives no display). SetEnergyLimit at 17 stays padding.
    public static let managedEvcs = OpenEMSNature(
        name: "ManagedEvcs", length: 100,
        records: [Record(0, .setChargePowerLimit, .uint16, .readWrite), Record(1, .setDisplayText, .string16)])
}
