/// The Java type of an OpenEMS channel (`io.openems.common.types.OpenemsType`), as OpenEMS's
/// REST API names it in a channel's `type`. The Modbus table exports every number as FLOAT32
/// or FLOAT64; the REST API shows the channel's own type.
public enum OpenEMSChannelType: String, Sendable, Hashable {
    case boolean = "BOOLEAN"
    case integer = "INTEGER"
    case long = "LONG"
    case string = "STRING"
}

extension OpenEMSChannel {
    /// The channel's type in OpenEMS: cumulated energies are LONG, the communication fault a
    /// BOOLEAN state, the display text a STRING, everything else INTEGER (powers, SoC, codes).
    public var channelType: OpenEMSChannelType {
        switch self {
        case .chargingstationCommunicationFailed: .boolean
        case .setDisplayText: .string
        case .energySession: .integer
        default: rawValue.contains("Energy") ? .long : .integer
        }
    }

    /// The unit's symbol as OpenEMS's `Unit.getSymbol()` gives it; empty for codes and counts.
    public var unit: String {
        switch self {
        case .essSoc, .soc: "%"
        case .essReactivePower, .reactivePower, .reactivePowerL1, .reactivePowerL2, .reactivePowerL3,
            .setReactivePowerEquals, .setReactivePowerLessOrEquals, .setReactivePowerGreaterOrEquals:
            "var"
        case .maxApparentPower: "VA"
        case .minCellVoltage, .maxCellVoltage, .voltage, .voltageL1, .voltageL2, .voltageL3: "mV"
        case .current, .currentL1, .currentL2, .currentL3: "mA"
        case .frequency: "mHz"
        case .minCellTemperature, .maxCellTemperature: "C"
        case .offGridTime: "sec"
        case .capacity, .essCapacity, .energySession: "Wh"
        case .state, .gridMode, .status, .chargingType, .phases, .chargingstationCommunicationFailed,
            .setDisplayText:
            ""
        default: rawValue.contains("Energy") ? "Wh" : "W"
        }
    }
}
