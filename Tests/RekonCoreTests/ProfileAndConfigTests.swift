import Testing

@testable import RekonCore

func profileError(_ json: String) -> ConfigError? {
    do {
        _ = try ProfileLoader.load(json: Array(json.utf8), origin: "p.json")
        return nil
    } catch {
        return error
    }
}

let minimalPolicyFields = """
    "policy_ref":{"column":"a"},"bank_code":{"value":"B"},"product_code":{"column":"c"},"coverage_type":{"column":"d"},
    "debtor_nik":{"column":"e"},"debtor_name":{"column":"f"},"debtor_birth_date":{"column":"g"},"debtor_gender":{"column":"h"},
    "loan_no":{"column":"i"},"sum_insured":{"column":"j"},"start_date":{"column":"k"},"tenor_months":{"column":"l"},
    "end_date":{"column":"m"},"premium_rate_permille":{"column":"n"},"premium_amount":{"column":"o"}
    """

@Test("a complete profile loads with its options")
func profileLoads() throws {
    let p = try ProfileLoader.load(
        json: Array(
            """
            {"name":"x","kind":"policy","format":"csv","match":["X_*.csv","X_*.csv.gz"],
             "csv":{"delimiter":";","encoding":"windows-1252","decimal":",","thousands":"."},"date_format":"dd/MM/yyyy",
             "fields":{\(minimalPolicyFields)},"trailer":{"prefix":"TRL","count_field":1,"sums":{"sum_insured":2}}}
            """.utf8), origin: "p.json")
    #expect(p.csv.dialect.delimiter == UInt8(ascii: ";"))
    #expect(p.csv.encoding == .windows1252)
    #expect(p.matches(fileName: "X_1.csv.gz"))
    #expect(p.trailer == .csv(prefix: "TRL", countField: 1, sums: [.init(field: "sum_insured", place: 2)]))
}

@Test(
    "profile mistakes name the key and the line",
    arguments: [
        (
            #"{"name":"x","kind":"policy","format":"csv","match":"a","fields":{}, "delimeter":";"}"#, "delimeter",
            "unknown key"
        ),
        (#"{"name":"x","kind":"polis","format":"csv","match":"a","fields":{}}"#, "kind", "must be one of"),
        (
            #"{"name":"x","kind":"policy","format":"csv","match":"a","fields":{"colour":{"column":"c"}}}"#,
            "fields.colour", "is not a field"
        ),
        (
            #"{"name":"x","kind":"policy","format":"csv","match":"a","fields":{"policy_ref":{"column":"a"}}}"#,
            "fields.bank_code", "has no mapping"
        ),
        (
            #"{"name":"x","kind":"policy","format":"csv","match":"a","date_format":"MM/dd/yy","fields":{}}"#,
            "date_format", "not a supported date layout"
        ),
        (
            #"{"name":"x","kind":"policy","format":"csv","match":"a","fields":{"policy_ref":{"path":"a"}}}"#,
            "fields.policy_ref.path", "csv profiles use"
        ),
        (#"{"name":"x","kind":"policy","format":"xml","match":"a","fields":{}}"#, "record", "absolute path"),
    ])
func profileErrors(_ json: String, _ key: String, _ text: String) {
    let e = profileError(json)
    #expect(e?.key == key)
    #expect(e?.message.contains(text) == true, "\(String(describing: e))")
}

@Test("config numbers are read exactly and unknown keys refused")
func config() throws {
    let c = try Config.load(
        json: Array(
            """
            {"as_of":"2026-06-30","tolerance_idr":{"premium_amount":100},
             "products":{"kpr":{"rate_permille":[{"max_tenor_months":12,"rate_permille":5},{"max_tenor_months":60,"rate_permille":7.125}],
               "refund":{"method":"RULE_OF_78","share":0.9,"admin_fee":50000}}}}
            """.utf8), origin: "rekon.json")
    #expect(c.asOf == Day(year: 2026, month: 6, day: 30))
    #expect(c.tolerance("premium_amount") == 100 && c.tolerance("sum_insured") == 0)
    let p = try #require(c.products["KPR"])
    #expect(p.rate(tenorMonths: 36) == Rate(micros: 7_125_000))
    #expect(p.rate(tenorMonths: 61) == nil)
    #expect(p.refund.shareMicros == 900_000 && p.refund.method == .RULE_OF_78)
    #expect(throws: ConfigError.self) { try Config.load(json: Array(#"{"as_off":"2026-06-30"}"#.utf8), origin: "r") }
    #expect(throws: ConfigError.self) {
        try Config.load(json: Array(#"{"products":{"a":{"rate_permille":1e3}}}"#.utf8), origin: "r")
    }
}

@Test("the JSON reader is strict and keeps lines")
func json() throws {
    let n = try JSONParser.parse(Array("{\n \"a\": [1, 2.50, \"x\\u00e9\"],\n \"b\": null\n}".utf8))
    guard case .object(let m) = n.value, case .array(let a) = m[0].value.value else {
        Issue.record("shape")
        return
    }
    #expect(a.map(\.value) == [.number("1"), .number("2.50"), .string("xé")])
    #expect(m[1].value.line == 3)
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array("{\"a\":1,}".utf8)) }
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array("{\"a\":1,\"a\":2}".utf8)) }
}
