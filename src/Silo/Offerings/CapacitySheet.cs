using System.Globalization;
using System.Text;
namespace Matchmaker.Silo.Offerings;

/// <summary>
/// The provider's figures as a spreadsheet (CSV, semicolons, as Dutch spreadsheet programs write it, in plain Dutch:
/// column names, care types by name, dates as dd-mm-jjjj): download, edit <c>Totaal</c>, <c>Bezet</c> and
/// <c>Eerste startdatum</c>, upload. Reading an upload judges every row against the offerings
/// as they are now (by the rules the offering's grain applies, <see cref="CapacityFigures"/>) and changes nothing; the plan
/// it makes is kept by the engine and applied later only if none of those offerings changed.
/// </summary>
public static class CapacitySheet
{
    public const string Header = "Aanbodnummer (niet wijzigen);Locatie;Zorgvorm;Totaal;Bezet;In behandeling;Eerste startdatum";

    /// <summary>The names a column is known by when a sheet comes back: today's, and those of sheets downloaded before.</summary>
    private static readonly string[] IdColumn = ["aanbodnummer (niet wijzigen)", "aanbodnummer", "aanbod_id"];
    private static readonly string[] TotalColumn = ["totaal"];
    private static readonly string[] OccupiedColumn = ["bezet"];
    private static readonly string[] StartColumn = ["eerste startdatum", "eerste_start"];

    public sealed record Change(Guid OfferingId, string Location, string CareType, int OldTotal, int OldOccupied, DateOnly? OldStart,
        int Total, int Occupied, DateOnly? EarliestStart, long Version);

    /// <summary>Why a row is refused; <see cref="Refusal.Held"/> says how many units are held where that matters.</summary>
    public enum RowProblem { Header, NotYours, Duplicate, Total, Occupied, OccupiedAboveTotal, BelowHeld, EarliestStart }

    public sealed record Refusal(int Line, string Row, RowProblem Problem, int Held = 0);

    /// <summary>At most this many refused rows are listed; the rest are counted. A megabyte of junk lines made a preview of 110 MB.</summary>
    public const int MaxRefusalsListed = 100;

    /// <summary>The changes, the unchanged rows, the first <see cref="MaxRefusalsListed"/> refused rows and how many were refused in all.</summary>
    public sealed record Reading(IReadOnlyList<Change> Changes, int Unchanged, IReadOnlyList<Refusal> Refused, int RefusedCount)
    {
        /// <summary>Refused rows not listed.</summary>
        public int RefusedNotListed => RefusedCount - Refused.Count;
    }

    public static string Write(IEnumerable<AvailableOffering> offerings)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var o in offerings)
            csv.Append(string.Join(';', o.OfferingId, Cell(o.LocationName), Cell(Matching.CareTypes.DutchName(o.CareType)), o.TotalUnits,
                o.OccupiedUnits, o.HeldUnits, o.EarliestStart?.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture) ?? "")).Append('\n');
        return csv.ToString();
    }

    public static Reading Read(string text, IReadOnlyList<AvailableOffering> own, DateOnly today)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var header = lines.Length > 0 ? lines[0].TrimStart('\uFEFF') : "";
        var separator = header.Contains(';') ? ';' : ',';
        var columns = Split(header, separator).Select(c => c.Trim().ToLowerInvariant()).ToList();
        int Column(string[] names) => columns.FindIndex(names.Contains);
        var (idColumn, totalColumn, occupiedColumn, startColumn) = (Column(IdColumn), Column(TotalColumn), Column(OccupiedColumn), Column(StartColumn));
        if (idColumn < 0 || totalColumn < 0 || occupiedColumn < 0)
            return new Reading([], 0, [new Refusal(1, Shortened(header), RowProblem.Header)], 1);

        var byId = own.ToDictionary(o => o.OfferingId);
        var changes = new List<Change>();
        var refused = new List<Refusal>();
        var unchanged = 0;
        var refusedCount = 0;
        var seen = new HashSet<Guid>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = Split(lines[i], separator);
            string At(int column) => column >= 0 && column < cells.Count ? cells[column].Trim() : "";
            RowProblem? problem = null;
            var held = 0;
            if (!Guid.TryParse(At(idColumn), out var id) || !byId.TryGetValue(id, out var offering))
                problem = RowProblem.NotYours;
            else if (!seen.Add(id))
                problem = RowProblem.Duplicate;
            else if (!int.TryParse(At(totalColumn), NumberStyles.None, CultureInfo.InvariantCulture, out var total) || total > CapacityFigures.MaxUnits)
                problem = RowProblem.Total;
            else if (!int.TryParse(At(occupiedColumn), NumberStyles.None, CultureInfo.InvariantCulture, out var occupied))
                problem = RowProblem.Occupied;
            else if (!TryDate(At(startColumn), out var start))
                problem = RowProblem.EarliestStart;
            else if (CapacityFigures.Problems(total, occupied, start, today) is { } problems)
                problem = problems.ContainsKey("occupiedUnits") ? RowProblem.OccupiedAboveTotal
                    : problems.ContainsKey("earliestStart") ? RowProblem.EarliestStart : RowProblem.Total;
            else if (occupied + offering.HeldUnits > total)
                (problem, held) = (RowProblem.BelowHeld, offering.HeldUnits);
            else if (total == offering.TotalUnits && occupied == offering.OccupiedUnits && start == offering.EarliestStart)
                unchanged++;
            else
                changes.Add(new Change(id, offering.LocationName, offering.CareType, offering.TotalUnits, offering.OccupiedUnits,
                    offering.EarliestStart, total, occupied, start, offering.Version));
            if (problem is { } refusal && ++refusedCount <= MaxRefusalsListed) refused.Add(new Refusal(i + 1, Shortened(lines[i]), refusal, held));
        }
        return new Reading(changes, unchanged, refused, refusedCount);
    }

    /// <summary>An empty cell is no date; a date is yyyy-mm-dd, or d-m-yyyy / d/m/yyyy as Dutch Excel saves it (01-03-2026 or 1-3-2026).</summary>
    private static bool TryDate(string text, out DateOnly? date)
    {
        date = null;
        if (text.Length == 0) return true;
        if (!DateOnly.TryParseExact(text, ["yyyy-MM-dd", "d-M-yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        date = parsed;
        return true;
    }

    private static string Shortened(string line) => line.Length > 120 ? line[..120] + "…" : line;

    private static string Cell(string text) => text.IndexOfAny([';', '"', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;

    /// <summary>One CSV line into cells, with quoted cells ("a;b", "say ""hi""").</summary>
    private static List<string> Split(string line, char separator)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == separator) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
