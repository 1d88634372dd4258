extension SunSpecModel {
    /// Model 1, Common: who made the device and what it is.
    public static let common = SunSpecModel(
        id: 1, name: "common", title: "Common",
        points: [
            Point("Mn", .string(registers: 16)), Point("Md", .string(registers: 16)),
            Point("Opt", .string(registers: 8)), Point("Vr", .string(registers: 8)),
            Point("SN", .string(registers: 16)), Point("DA", .uint16, writable: true), Point("Pad", .pad),
        ])

    /// Model 802, Battery Base Model.
    public static let battery = SunSpecModel(
        id: 802, name: "battery", title: "Battery Base Model",
        points: [
            Point("AHRtg", .uint16, sf: "AHRtg_SF", unit: "Ah"), Point("WHRtg", .uint16, sf: "WHRtg_SF", unit: "Wh"),
            Point("WChaRteMax", .uint16, sf: "WChaDisChaMax_SF", unit: "W"),
            Point("WDisChaRteMax", .uint16, sf: "WChaDisChaMax_SF", unit: "W"),
            Point("DisChaRte", .uint16, sf: "DisChaRte_SF", unit: "%WHRtg"),
            Point("SoCMax", .uint16, sf: "SoC_SF", unit: "%WHRtg"),
            Point("SoCMin", .uint16, sf: "SoC_SF", unit: "%WHRtg"),
            Point("SocRsvMax", .uint16, sf: "SoC_SF", unit: "%WHRtg", writable: true),
            Point("SoCRsvMin", .uint16, sf: "SoC_SF", unit: "%WHRtg", writable: true),
            Point("SoC", .uint16, sf: "SoC_SF", unit: "%WHRtg"), Point("DoD", .uint16, sf: "DoD_SF", unit: "%"),
            Point("SoH", .uint16, sf: "SoH_SF", unit: "%"), Point("NCyc", .uint32), Point("ChaSt", .enum16),
            Point("LocRemCtl", .enum16), Point("Hb", .uint16), Point("CtrlHb", .uint16, writable: true),
            Point("AlmRst", .uint16, writable: true), Point("Typ", .enum16), Point("State", .enum16),
            Point("StateVnd", .enum16), Point("WarrDt", .uint32), Point("Evt1", .bitfield32),
            Point("Evt2", .bitfield32), Point("EvtVnd1", .bitfield32), Point("EvtVnd2", .bitfield32),
            Point("V", .uint16, sf: "V_SF", unit: "V"), Point("VMax", .uint16, sf: "V_SF", unit: "V"),
            Point("VMin", .uint16, sf: "V_SF", unit: "V"), Point("CellVMax", .uint16, sf: "CellV_SF", unit: "V"),
            Point("CellVMaxStr", .uint16), Point("CellVMaxMod", .uint16),
            Point("CellVMin", .uint16, sf: "CellV_SF", unit: "V"), Point("CellVMinStr", .uint16),
            Point("CellVMinMod", .uint16), Point("CellVAvg", .uint16, sf: "CellV_SF", unit: "V"),
            Point("A", .int16, sf: "A_SF", unit: "A"), Point("AChaMax", .uint16, sf: "AMax_SF", unit: "A"),
            Point("ADisChaMax", .uint16, sf: "AMax_SF", unit: "A"), Point("W", .int16, sf: "W_SF", unit: "W"),
            Point("ReqInvState", .enum16), Point("ReqW", .int16, sf: "W_SF", unit: "W"),
            Point("SetOp", .enum16, writable: true), Point("SetInvState", .enum16, writable: true),
        ]
            + [
                "AHRtg_SF", "WHRtg_SF", "WChaDisChaMax_SF", "DisChaRte_SF", "SoC_SF", "DoD_SF", "SoH_SF", "V_SF",
                "CellV_SF", "A_SF", "AMax_SF", "W_SF",
            ].map { Point($0, .sunssf) })

    /// Model 124, Basic Storage Controls.
    public static let storage = SunSpecModel(
        id: 124, name: "storage", title: "Basic Storage Controls",
        points: [
            Point("WChaMax", .uint16, sf: "WChaMax_SF", unit: "W", writable: true),
            Point("WChaGra", .uint16, sf: "WChaDisChaGra_SF", unit: "% WChaMax/sec", writable: true),
            Point("WDisChaGra", .uint16, sf: "WChaDisChaGra_SF", unit: "% WChaMax/sec", writable: true),
            Point("StorCtl_Mod", .bitfield16, writable: true),
            Point("VAChaMax", .uint16, sf: "VAChaMax_SF", unit: "VA", writable: true),
            Point("MinRsvPct", .uint16, sf: "MinRsvPct_SF", unit: "% WChaMax", writable: true),
            Point("ChaState", .uint16, sf: "ChaState_SF", unit: "% AhrRtg"),
            Point("StorAval", .uint16, sf: "StorAval_SF", unit: "AH"),
            Point("InBatV", .uint16, sf: "InBatV_SF", unit: "V"), Point("ChaSt", .enum16),
            Point("OutWRte", .int16, sf: "InOutWRte_SF", unit: "% WDisChaMax", writable: true),
            Point("InWRte", .int16, sf: "InOutWRte_SF", unit: "% WChaMax", writable: true),
            Point("InOutWRte_WinTms", .uint16, unit: "Secs", writable: true),
            Point("InOutWRte_RvrtTms", .uint16, unit: "Secs", writable: true),
            Point("InOutWRte_RmpTms", .uint16, unit: "Secs", writable: true),
            Point("ChaGriSet", .enum16, writable: true),
        ]
            + [
                "WChaMax_SF", "WChaDisChaGra_SF", "VAChaMax_SF", "MinRsvPct_SF", "ChaState_SF", "StorAval_SF",
                "InBatV_SF", "InOutWRte_SF",
            ].map { Point($0, .sunssf) })

    /// Model 103, Inverter (Three Phase): the site's PV production.
    public static let inverter = SunSpecModel(
        id: 103, name: "inverter", title: "Inverter (Three Phase)",
        points: phases("A", .uint16, sf: "A_SF", unit: "A") + [Point("A_SF", .sunssf)]
            + ["PPVphAB", "PPVphBC", "PPVphCA", "PhVphA", "PhVphB", "PhVphC"].map {
                Point($0, .uint16, sf: "V_SF", unit: "V")
            }
            + [
                Point("V_SF", .sunssf), Point("W", .int16, sf: "W_SF", unit: "W"), Point("W_SF", .sunssf),
                Point("Hz", .uint16, sf: "Hz_SF", unit: "Hz"), Point("Hz_SF", .sunssf),
                Point("VA", .int16, sf: "VA_SF", unit: "VA"), Point("VA_SF", .sunssf),
                Point("VAr", .int16, sf: "VAr_SF", unit: "var"), Point("VAr_SF", .sunssf),
                Point("PF", .int16, sf: "PF_SF", unit: "Pct"), Point("PF_SF", .sunssf),
                Point("WH", .acc32, sf: "WH_SF", unit: "Wh"), Point("WH_SF", .sunssf),
                Point("DCA", .uint16, sf: "DCA_SF", unit: "A"), Point("DCA_SF", .sunssf),
                Point("DCV", .uint16, sf: "DCV_SF", unit: "V"), Point("DCV_SF", .sunssf),
                Point("DCW", .int16, sf: "DCW_SF", unit: "W"), Point("DCW_SF", .sunssf),
            ]
            + ["TmpCab", "TmpSnk", "TmpTrns", "TmpOt"].map { Point($0, .int16, sf: "Tmp_SF", unit: "C") }
            + [Point("Tmp_SF", .sunssf), Point("St", .enum16), Point("StVnd", .enum16)]
            + ["Evt1", "Evt2", "EvtVnd1", "EvtVnd2", "EvtVnd3", "EvtVnd4"].map { Point($0, .bitfield32) })

    /// Model 203, Wye-Connect Three Phase (abcn) Meter: the grid meter.
    public static let meter = SunSpecModel(
        id: 203, name: "meter", title: "Wye-Connect Three Phase (abcn) Meter",
        points: phases("A", .int16, sf: "A_SF", unit: "A") + [Point("A_SF", .sunssf)]
            + phases("PhV", .int16, sf: "V_SF", unit: "V")
            + ["PPV", "PhVphAB", "PhVphBC", "PhVphCA"].map { Point($0, .int16, sf: "V_SF", unit: "V") }
            + [Point("V_SF", .sunssf), Point("Hz", .int16, sf: "Hz_SF", unit: "Hz"), Point("Hz_SF", .sunssf)]
            + phases("W", .int16, sf: "W_SF", unit: "W") + [Point("W_SF", .sunssf)]
            + phases("VA", .int16, sf: "VA_SF", unit: "VA") + [Point("VA_SF", .sunssf)]
            + phases("VAR", .int16, sf: "VAR_SF", unit: "var") + [Point("VAR_SF", .sunssf)]
            + phases("PF", .int16, sf: "PF_SF", unit: "Pct") + [Point("PF_SF", .sunssf)]
            + energy(["TotWhExp", "TotWhImp"], sf: "TotWh_SF", unit: "Wh")
            + energy(["TotVAhExp", "TotVAhImp"], sf: "TotVAh_SF", unit: "VAh")
            + energy(["TotVArhImpQ1", "TotVArhImpQ2", "TotVArhExpQ3", "TotVArhExpQ4"], sf: "TotVArh_SF", unit: "varh")
            + [Point("Evt", .bitfield32)])

    /// Accumulators with their phases (`PhA`…), then their scale factor.
    private static func energy(_ names: [String], sf: String, unit: String) -> [Point] {
        names.flatMap { phases($0, .acc32, sf: sf, unit: unit, suffixes: ["PhA", "PhB", "PhC"]) } + [Point(sf, .sunssf)]
    }
}
