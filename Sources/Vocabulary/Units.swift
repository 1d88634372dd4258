/// Active power in watts. For an ESS: positive = discharge, negative = charge. For a
/// chargepoint: positive = charging. For the grid: positive = import, negative = export.
public typealias Watts = Double

/// Current in amperes per phase.
public typealias Amperes = Double

/// Energy in watt-hours.
public typealias WattHours = Double

/// State of charge in percent, 0...100.
public typealias Percent = Double

/// Voltage in volts.
public typealias Volts = Double

/// The nominal phase-to-neutral voltage of a European low-voltage grid (EN 50160), which turns a
/// chargepoint's amperes into watts: P ≈ A × 230 V × phases.
public let nominalPhaseVoltage: Volts = 230

/// The smallest current a car charges at (IEC 61851): a chargepoint given less is off.
public let minimumChargingCurrent: Amperes = 6
