/// The cross-field rules of SPEC §2 that a row must pass once its fields are typed, plus the defaults
/// that normalisation fills in. Ledger rows are checked for types and codes only.
public struct RowRules: Sendable {
    public let products: [String: Product]

    public init(products: [String: Product]) { self.products = products }

    /// Applies defaults and checks `row` of `kind`, appending problems.
    public func check(_ kind: RecordKind, _ row: inout FieldValues, problems: inout [RowProblem]) {
        switch kind {
        case .policy: checkPolicy(&row, &problems)
        case .endorsement: checkEndorsement(&row, &problems)
        case .claim: checkClaim(&row, &problems)
        case .ledgerCertificate, .ledgerClaim: break
        }
    }

    /// The NIK's digits 7-12 as DDMMYY (DD + 40 for women).
    public static func nikAgrees(_ nik: String, birth: Day, gender: String) -> Bool {
        let u = Array(nik.utf8)
        guard u.count == 16 else { return false }
        func two(_ i: Int) -> Int { Int(u[i] - 48) * 10 + Int(u[i + 1] - 48) }
        let (y, m, d) = birth.civil
        let dd = gender == "F" ? d + 40 : d
        return two(6) == dd && two(8) == m && two(10) == y % 100
    }

    private func checkPolicy(_ row: inout FieldValues, _ problems: inout [RowProblem]) {
        typealias F = PolicyField
        if row[F.currency.rawValue].isAbsent { row[F.currency.rawValue] = .text("IDR") }
        let si = row.int(F.sum_insured.rawValue)
        if row[F.plafond.rawValue].isAbsent, let si { row[F.plafond.rawValue] = .int(si) }

        if let nik = row.text(F.debtor_nik.rawValue), let birth = row.day(F.debtor_birth_date.rawValue),
            let g = row.text(F.debtor_gender.rawValue), !RowRules.nikAgrees(nik, birth: birth, gender: g)
        {
            problems.append(
                RowProblem(
                    .NIK_MISMATCH, field: "debtor_nik", value: nik,
                    message:
                        "digits 7-12 of the NIK must be the birth date as DDMMYY (day + 40 for women): they disagree with debtor_birth_date \(birth.iso) and debtor_gender \(g)"
                ))
        }
        let start = row.day(F.start_date.rawValue)
        let tenor = row.int(F.tenor_months.rawValue)
        if let start, let tenor, let end = row.day(F.end_date.rawValue), start.addingMonths(Int(tenor)) != end {
            problems.append(
                RowProblem(
                    .INCONSISTENT_DATES, field: "end_date", value: end.iso,
                    message: "end_date must be start_date + tenor_months = \(start.addingMonths(Int(tenor)).iso)"))
        }
        if let si {
            if si <= 0 {
                problems.append(
                    RowProblem(
                        .OUT_OF_LIMITS, field: "sum_insured", value: "\(si)", message: "sum_insured must be above 0"))
            } else if let plafond = row.int(F.plafond.rawValue), si > plafond {
                problems.append(
                    RowProblem(
                        .OUT_OF_LIMITS, field: "sum_insured", value: "\(si)",
                        message: "sum_insured must not exceed the plafond \(plafond)"))
            }
        }
        guard !products.isEmpty, let code = row.text(F.product_code.rawValue) else { return }
        guard let product = products[code] else {
            problems.append(
                RowProblem(
                    .UNKNOWN_PRODUCT, field: "product_code", value: code,
                    message: "product_code is not among the products of the config"))
            return
        }
        if let tenor {
            if !product.tenorMonths.contains(tenor) {
                problems.append(
                    RowProblem(
                        .OUT_OF_LIMITS, field: "tenor_months", value: "\(tenor)",
                        message: "tenor_months of product \(code) must be \(product.tenorMonths.text)"))
            } else if product.rate(tenorMonths: tenor) == nil {
                problems.append(
                    RowProblem(
                        .OUT_OF_LIMITS, field: "tenor_months", value: "\(tenor)",
                        message: "no rate band of product \(code) covers a tenor of \(tenor) months"))
            }
        }
        if let si, si > 0, !product.sumInsured.contains(si) {
            problems.append(
                RowProblem(
                    .OUT_OF_LIMITS, field: "sum_insured", value: "\(si)",
                    message: "sum_insured of product \(code) must be \(product.sumInsured.text)"))
        }
        if let birth = row.day(F.debtor_birth_date.rawValue), let start {
            let age = Int64(start.years(since: birth))
            if !product.entryAge.contains(age) {
                problems.append(
                    RowProblem(
                        .OUT_OF_LIMITS, field: "debtor_birth_date", value: birth.iso,
                        message:
                            "the entry age \(age) at start_date is outside \(product.entryAge.text) for product \(code)"
                    ))
            }
            if let maxAge = product.maxAgeAtMaturity, let end = row.day(F.end_date.rawValue) {
                let atEnd = Int64(end.years(since: birth))
                if atEnd > maxAge {
                    problems.append(
                        RowProblem(
                            .OUT_OF_LIMITS, field: "debtor_birth_date", value: birth.iso,
                            message: "the age \(atEnd) at end_date is above \(maxAge), the most for product \(code)"))
                }
            }
        }
    }

    private func checkEndorsement(_ row: inout FieldValues, _ problems: inout [RowProblem]) {
        typealias F = EndorsementField
        switch row.text(F.endorsement_type.rawValue) {
        case "CANCELLATION" where row[F.cancel_reason.rawValue].isAbsent:
            problems.append(
                RowProblem(
                    .MISSING_FIELD, field: "cancel_reason", value: "",
                    message: "cancel_reason is required for a CANCELLATION"))
        case "TOP_UP" where row[F.new_sum_insured.rawValue].isAbsent:
            problems.append(
                RowProblem(
                    .MISSING_FIELD, field: "new_sum_insured", value: "",
                    message: "new_sum_insured is required for a TOP_UP"))
        default: break
        }
    }

    private func checkClaim(_ row: inout FieldValues, _ problems: inout [RowProblem]) {
        typealias F = ClaimField
        if let loss = row.day(F.loss_date.rawValue), let rep = row.day(F.reported_date.rawValue), rep < loss {
            problems.append(
                RowProblem(
                    .INCONSISTENT_DATES, field: "reported_date", value: rep.iso,
                    message: "reported_date is before loss_date \(loss.iso)"))
        }
    }
}
