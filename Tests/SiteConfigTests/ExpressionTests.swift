import SiteConfig
import Testing
import Vocabulary

struct ExpressionTests {
    static let values: [String: Double] = ["power": 2000, "battery_voltage": 50, "maxChargePower": 3000, "current": 10]

    static func evaluate(_ text: String) throws -> Double? {
        try Expression.parse(text).evaluate { values[$0] }
    }

    @Test func arithmeticFollowsPrecedenceAndParentheses() throws {
        #expect(try Self.evaluate("1 + 2 * 3") == 7)
        #expect(try Self.evaluate("(1 + 2) * 3") == 9)
        #expect(try Self.evaluate("10 - 4 - 3") == 3)
        #expect(try Self.evaluate("12 / 3 / 2") == 2)
        #expect(try Self.evaluate("0x10") == 16)
    }

    @Test func unaryMinusNegatesParametersAndGroups() throws {
        #expect(try Self.evaluate("-power") == -2000)
        #expect(try Self.evaluate("-(power - 500)") == -1500)
        #expect(try Self.evaluate("--3") == 3)
    }

    @Test func wattsTurnIntoAmperesThroughAReadPoint() throws {
        #expect(try Self.evaluate("maxChargePower / battery_voltage") == 60)
    }

    @Test func minAndMaxClamp() throws {
        #expect(try Self.evaluate("min(current, 6)") == 6)
        #expect(try Self.evaluate("max(current, 6)") == 10)
        #expect(try Self.evaluate("min(max(current, 6), 16) * 230") == 2300)
    }

    @Test func comparisonsGiveOneOrZeroBelowArithmetic() throws {
        #expect(try Self.evaluate("power == 2000") == 1)
        #expect(try Self.evaluate("power != 2000") == 0)
        #expect(try Self.evaluate("current + 1 > 10") == 1)
        #expect(try Self.evaluate("current <= 9") == 0)
        #expect(try Self.evaluate("(current < 16) * 230") == 230)
        #expect(throws: ExpressionError.self) { try Expression.parse("1 < 2 < 3") }
    }

    @Test func ifPicksByACondition() throws {
        #expect(try Self.evaluate("if(power > 0, power, 0)") == 2000)
        #expect(try Self.evaluate("if(current >= 16, 1, if(current == 10, 2, 3))") == 2)
        // The branch not taken may lack a value.
        #expect(try Self.evaluate("if(1, 5, soc)") == 5)
        #expect(try Expression.parse("if(a == 1, b, c)").names == ["a", "b", "c"])
        #expect(try Expression.parse("if(a, b, c)").description == "if(a, b, c)")
    }

    @Test func roundKeepsSplitsWhole() throws {
        #expect(try Self.evaluate("round(power / 3, 1)") == 667)
        #expect(try Self.evaluate("power - 2 * round(power / 3, 1)") == 666)
        #expect(try Self.evaluate("round(-2.5, 1)") == -3)
        #expect(try Self.evaluate("round(power, 0)") == nil)
    }

    @Test func unknownNamesAndDivisionByZeroGiveNoValue() throws {
        #expect(try Self.evaluate("soc * 2") == nil)
        #expect(try Self.evaluate("power / 0") == nil)
    }

    @Test func namesListEveryLookup() throws {
        #expect(
            try Expression.parse("min(maxChargePower, 5) / battery_voltage - power").names == [
                "maxChargePower", "battery_voltage", "power",
            ])
        #expect(try Expression.parse("-power") == .negate(.name("power")))
        #expect(try Expression.parse("-5") == .number(-5))
    }

    @Test(arguments: [
        ("", "found an empty expression, expected a number, parameter or point name", 0),
        ("power *", "found the end, expected a number, parameter or point name", 7),
        ("(power", "found the end, expected \")\"", 6),
        ("power power", "found \"p\", expected an operator (+ - * / == != < <= > >=) or the end", 6),
        ("abs(power)", "found a call to \"abs\", expected min, max, round or if", 0),
        ("min(power)", "found \")\", expected \",\"", 9),
        ("power % 2", "found \"%\", expected an operator (+ - * / == != < <= > >=) or the end", 6),
    ])
    func malformedExpressionsSayWhatAndWhere(text: String, message: String, offset: Int) {
        #expect(throws: ExpressionError(message, at: offset)) { try Expression.parse(text) }
    }
}
