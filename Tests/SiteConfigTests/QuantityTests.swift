import SiteConfig
import Testing
import Vocabulary

struct QuantityTests {
    @Test(arguments: [
        ("50 kW", 50_000.0, Quantity.Dimension.power), ("1.5kW", 1500, .power), ("100 kWh", 100_000, .energy),
        ("500 ms", 0.5, .duration), ("60 s", 60, .duration), ("5 min", 300, .duration), ("6 A", 6, .current),
        ("230 V", 230, .voltage), ("10 %", 10, .percent), ("-3 kW", -3000, .power), ("2 MW", 2_000_000, .power),
    ])
    func quantitiesConvertToBaseUnits(text: String, value: Double, dimension: Quantity.Dimension) throws {
        let quantity = try Quantity.parse(text)
        #expect(quantity.value == value)
        #expect(quantity.dimension == dimension)
    }

    @Test func aPowerWhereADurationIsExpectedIsRefused() {
        #expect(throws: QuantityError("found power \"50 kW\", expected a duration such as `60 s`")) {
            try Quantity.parse("50 kW", as: .duration)
        }
    }

    @Test func aBareNumberIsAPercentageButNothingElse() throws {
        #expect(try Quantity.parse("95", as: .percent) == 95)
        #expect(throws: QuantityError("found 5 without a unit, expected a power such as `5 kW`")) {
            try Quantity.parse("5", as: .power)
        }
    }

    @Test func unknownUnitsAndNonNumbersAreRefused() {
        #expect(
            throws: QuantityError("found unknown unit \"parsec\" in \"5 parsec\", expected a duration such as `60 s`")
        ) {
            try Quantity.parse("5 parsec", as: .duration)
        }
        #expect(throws: QuantityError("found \"fast\", expected a duration such as `60 s`")) {
            try Quantity.parse("fast", as: .duration)
        }
    }
}
