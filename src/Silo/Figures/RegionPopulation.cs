using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// Children (0 to 17) per jeugdregio, loaded by the operator from CBS, so regions of different sizes can be compared per
/// 10,000 children. A file as CBS StatLine exports it (CSV, ';', quoted cells, a header line): region; period; number of
/// children. The region by its code or its name (with or without "Jeugdregio " before it or a "(JZ..)" after it), the
/// period a year ("2025", or "2025*" for a provisional figure). A file is loaded whole or not at all.
/// </summary>
public static partial class RegionPopulation
{
    public sealed record Line(string RegionCode, int Year, int Children);

    public sealed record Reading(IReadOnlyList<Line> Lines, IReadOnlyList<string> Problems);

    /// <summary>At most this many problems are listed; reading stops there (a file of junk is not read to its end).</summary>
    public const int MaxProblems = 100;

    /// <summary>More children than any jeugdregio has (the largest has some 300,000): a number in another unit, or a typo.</summary>
    public const int MaxChildren = 2_000_000;

    /// <param name="thisYear">CBS publishes a year's figure on 1 January: a year more than two from now is a typo</param>
    public static Reading Read(string text, IReadOnlyList<(string Code, string Name)> regions, int thisYear)
    {
        var lines = new List<Line>();
        var problems = new List<string>();
        var seen = new HashSet<(string, int)>();
        var rows = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < rows.Length && problems.Count < MaxProblems; i++)
        {
            if (string.IsNullOrWhiteSpace(rows[i])) continue;
            var cells = rows[i].Split(';').Select(c => c.Trim().Trim('"').Trim()).ToArray();
            // The header is allowed, not required: a first line whose count is no number is taken for it.
            if (i == 0 && (cells.Length < 3 || Children(cells[2]) is null)) continue;
            var at = $"line {i + 1}";
            if (cells.Length < 3) { problems.Add($"{at}: expected region;period;children, got '{Shortened(rows[i])}'."); continue; }
            var region = RegionOf(cells[0], regions);
            var year = Year().Match(cells[1]);
            var parsedYear = year.Success ? int.Parse(year.Value, CultureInfo.InvariantCulture) : 0;
            if (region is null) problems.Add($"{at}: '{Shortened(cells[0])}' is not a jeugdregio (its code or name).");
            else if (!year.Success || Math.Abs(parsedYear - thisYear) > 2) problems.Add($"{at}: '{Shortened(cells[1])}' is not a year from {thisYear - 2} to {thisYear + 2}.");
            else if (Children(cells[2]) is not { } children || children is <= 0 or > MaxChildren)
                problems.Add($"{at}: '{Shortened(cells[2])}' is not a number of children from 1 to {MaxChildren:N0} (whole children, no decimals).");
            else if (!seen.Add((region, parsedYear))) problems.Add($"{at}: {region} {parsedYear} is in the file twice.");
            else lines.Add(new Line(region, parsedYear, children));
        }
        if (lines.Count == 0 && problems.Count == 0) problems.Add("The file has no lines with figures.");
        return new Reading(lines, problems);
    }

    /// <summary>"236400", "236.400" or "236 400" (also with a non-breaking space); not "45.6" or "1.2.3".</summary>
    private static int? Children(string cell)
    {
        var text = cell.Replace(" ", "").Replace("\u00A0", "").Replace("\u202F", "");
        return Count().IsMatch(text) && int.TryParse(text.Replace(".", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Stores the lines (a region's year loaded again is replaced), in one transaction.</summary>
    public static async Task StoreAsync(Database database, IReadOnlyList<Line> lines, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        foreach (var line in lines)
            await connection.ExecuteAsync("""
                INSERT INTO region_population (region_code, year, children, loaded_at) VALUES (@RegionCode, @Year, @Children, @now)
                ON CONFLICT (region_code, year) DO UPDATE SET children = excluded.children, loaded_at = excluded.loaded_at
                """, new { line.RegionCode, line.Year, line.Children, now }, transaction);
        await Admin.AdminCommands.AuditAsync(connection, transaction, "population-loaded", "region-population", "all", null,
            $"{lines.Count} line(s), years {string.Join(", ", lines.Select(l => l.Year).Distinct().Order())}");
        await transaction.CommitAsync();
    }

    private static string? RegionOf(string cell, IReadOnlyList<(string Code, string Name)> regions)
    {
        var name = Suffix().Replace(Prefix().Replace(cell, ""), "").Trim();
        return regions.FirstOrDefault(r => string.Equals(r.Code, cell, StringComparison.OrdinalIgnoreCase)
            || string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).Code;
    }

    /// <summary>A cell as the operator's terminal may show it: at most 60 characters, control characters (escape sequences) left out.</summary>
    private static string Shortened(string text)
    {
        var printable = new string([.. text.Where(c => !char.IsControl(c))]);
        return printable.Length > 60 ? printable[..60] + "…" : printable;
    }

    [GeneratedRegex(@"^(?:Jeugdzorgregio|Jeugdregio)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\s*\([^)]*\)\s*$")]
    private static partial Regex Suffix();

    [GeneratedRegex(@"^(19|20|21)\d\d(?=\*?$|\s)")]
    private static partial Regex Year();

    [GeneratedRegex(@"^(\d{1,3}(\.\d{3})+|\d+)$")]
    private static partial Regex Count();
}

/// <summary>The children per region as loaded (<see cref="RegionPopulation"/>): the newest year of each region that has one.</summary>
public sealed class RegionPopulations(Database database)
{
    public sealed record Latest(int Year, int Children);

    public async Task<IReadOnlyDictionary<string, Latest>> LatestAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Row>("""
            SELECT p.region_code AS RegionCode, p.year AS Year, p.children AS Children FROM region_population p
            WHERE p.year = (SELECT max(q.year) FROM region_population q WHERE q.region_code = p.region_code)
            """);
        return rows.ToDictionary(r => r.RegionCode, r => new Latest(r.Year, r.Children));
    }

    private sealed class Row
    {
        public string RegionCode { get; init; } = "";
        public int Year { get; init; }
        public int Children { get; init; }
    }
}
