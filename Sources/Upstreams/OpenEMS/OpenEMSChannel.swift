/// The channels busbar publishes in its OpenEMS-compatible table, named as OpenEMS names them.
/// What each one renders from a `GatewaySnapshot` is in `OpenEMSProfile+Rendering.swift`; what
/// a write to one does is in `OpenEMSProfile+Writing.swift`.
public enum OpenEMSChannel: String, Sendable, Hashable, CaseIterable {
    // OpenemsComponent
    case state = "State"

    // Sum
    case essSoc = "EssSoc"
    case essActivePower = "EssActivePower"
    case essReactivePower = "EssReactivePower"
    case gridActivePower = "GridActivePower"
    case gridMinActivePower = "GridMinActivePower"
    case gridMaxActivePower = "GridMaxActivePower"
    case productionActivePower = "ProductionActivePower"
    case productionMaxActivePower = "ProductionMaxActivePower"
    case productionAcActivePower = "ProductionAcActivePower"
    case productionMaxAcActivePower = "ProductionMaxAcActivePower"
    case productionDcActualPower = "ProductionDcActualPower"
    case productionMaxDcActualPower = "ProductionMaxDcActualPower"
    case consumptionActivePower = "ConsumptionActivePower"
    case consumptionMaxActivePower = "ConsumptionMaxActivePower"
    case essActiveChargeEnergy = "EssActiveChargeEnergy"
    case essActiveDischargeEnergy = "EssActiveDischargeEnergy"
    case gridBuyActiveEnergy = "GridBuyActiveEnergy"
    case gridSellActiveEnergy = "GridSellActiveEnergy"
    case productionActiveEnergy = "ProductionActiveEnergy"
    case productionAcActiveEnergy = "ProductionAcActiveEnergy"
    case productionDcActiveEnergy = "ProductionDcActiveEnergy"
    case consumptionActiveEnergy = "ConsumptionActiveEnergy"
    case essActivePowerL1 = "EssActivePowerL1"
    case essActivePowerL2 = "EssActivePowerL2"
    case essActivePowerL3 = "EssActivePowerL3"
    case gridActivePowerL1 = "GridActivePowerL1"
    case gridActivePowerL2 = "GridActivePowerL2"
    case gridActivePowerL3 = "GridActivePowerL3"
    case productionAcActivePowerL1 = "ProductionAcActivePowerL1"
    case productionAcActivePowerL2 = "ProductionAcActivePowerL2"
    case productionAcActivePowerL3 = "ProductionAcActivePowerL3"
    case consumptionActivePowerL1 = "ConsumptionActivePowerL1"
    case consumptionActivePowerL2 = "ConsumptionActivePowerL2"
    case consumptionActivePowerL3 = "ConsumptionActivePowerL3"
    case essDischargePower = "EssDischargePower"
    case gridMode = "GridMode"
    case offGridTime = "OffGridTime"
    case essCapacity = "EssCapacity"

    // SymmetricEss
    case soc = "Soc"
    case activePower = "ActivePower"
    case reactivePower = "ReactivePower"
    case minCellVoltage = "MinCellVoltage"
    case maxCellVoltage = "MaxCellVoltage"
    case minCellTemperature = "MinCellTemperature"
    case maxCellTemperature = "MaxCellTemperature"
    case capacity = "Capacity"
    case maxApparentPower = "MaxApparentPower"

    // ManagedSymmetricEss
    /// "Minimum Power Set-Point": what an Edge2Edge master takes as AllowedChargePower (≤ 0).
    case allowedChargePower = "AllowedChargePower"
    /// "Maximum Power Set-Point": what an Edge2Edge master takes as AllowedDischargePower (≥ 0).
    case allowedDischargePower = "AllowedDischargePower"
    case setActivePowerEquals = "SetActivePowerEquals"
    case setReactivePowerEquals = "SetReactivePowerEquals"
    case setActivePowerLessOrEquals = "SetActivePowerLessOrEquals"
    case setReactivePowerLessOrEquals = "SetReactivePowerLessOrEquals"
    case setActivePowerGreaterOrEquals = "SetActivePowerGreaterOrEquals"
    case setReactivePowerGreaterOrEquals = "SetReactivePowerGreaterOrEquals"

    // ElectricityMeter
    case frequency = "Frequency"
    case activeProductionEnergy = "ActiveProductionEnergy"
    case activeConsumptionEnergy = "ActiveConsumptionEnergy"
    case voltage = "Voltage"
    case current = "Current"
    case activePowerL1 = "ActivePowerL1"
    case activePowerL2 = "ActivePowerL2"
    case activePowerL3 = "ActivePowerL3"
    case reactivePowerL1 = "ReactivePowerL1"
    case reactivePowerL2 = "ReactivePowerL2"
    case reactivePowerL3 = "ReactivePowerL3"
    case voltageL1 = "VoltageL1"
    case voltageL2 = "VoltageL2"
    case voltageL3 = "VoltageL3"
    case currentL1 = "CurrentL1"
    case currentL2 = "CurrentL2"
    case currentL3 = "CurrentL3"
    case activeProductionEnergyL1 = "ActiveProductionEnergyL1"
    case activeProductionEnergyL2 = "ActiveProductionEnergyL2"
    case activeProductionEnergyL3 = "ActiveProductionEnergyL3"
    case activeConsumptionEnergyL1 = "ActiveConsumptionEnergyL1"
    case activeConsumptionEnergyL2 = "ActiveConsumptionEnergyL2"
    case activeConsumptionEnergyL3 = "ActiveConsumptionEnergyL3"

    // Evcs
    case status = "Status"
    case chargingType = "ChargingType"
    case phases = "Phases"
    case maximumHardwarePower = "MaximumHardwarePower"
    case minimumHardwarePower = "MinimumHardwarePower"
    case maximumPower = "MaximumPower"
    case energySession = "EnergySession"
    case chargingstationCommunicationFailed = "ChargingstationCommunicationFailed"

    // ManagedEvcs
    case setChargePowerLimit = "SetChargePowerLimit"
    /// A STRING16 OpenEMS keeps for the station's display; busbar drives no display, so it
    /// reads 16 NUL words, as an OpenEMS Edge holds it while nothing was written.
    case setDisplayText = "SetDisplayText"
}
