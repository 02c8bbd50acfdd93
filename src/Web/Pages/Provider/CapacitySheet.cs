using System.Globalization;
using System.Text;
using Matchmaker.Web.Api;

namespace Matchmaker.Web.Pages.Provider;

/// <summary>
/// The provider's figures as a spreadsheet (CSV, semicolons, as Dutch spreadsheet programs write it): download, edit
/// <c>totaal</c>, <c>bezet</c> and <c>eerste_start</c>, upload. Reading an upload judges every row against the offerings
/// as they are now and changes nothing; the plan it makes is applied later only if none of those offerings changed.
/// </summary>
public static class CapacitySheet
{
    public const string Header = "aanbod_id;locatie;zorgvorm;totaal;bezet;in_behandeling;eerste_start";
    public const int LargestFile = 1024 * 1024;

    public sealed record Change(Guid OfferingId, string Location, string CareType, int OldTotal, int OldOccupied, DateOnly? OldStart,
        int Total, int Occupied, DateOnly? EarliestStart, long Version);

    public sealed record Refusal(int Line, string Row, string Reason);

    public sealed record Reading(IReadOnlyList<Change> Changes, int Unchanged, IReadOnlyList<Refusal> Refused);

    public static string Write(IEnumerable<CapacityApi.AvailableOffering> offerings)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var o in offerings)
            csv.Append(string.Join(';', o.OfferingId, Cell(o.LocationName), o.CareType, o.TotalUnits, o.OccupiedUnits, o.HeldUnits,
                o.EarliestStart?.ToString("yyyy-MM-dd") ?? "")).Append('\n');
        return csv.ToString();
    }

    public static Reading Read(string text, IReadOnlyList<CapacityApi.AvailableOffering> own, DateOnly today)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var header = lines.Length > 0 ? lines[0].TrimStart('\uFEFF') : "";
        var separator = header.Contains(';') ? ';' : ',';
        var columns = Split(header, separator).Select(c => c.Trim().ToLowerInvariant()).ToList();
        int Column(string name) => columns.IndexOf(name);
        var (idColumn, totalColumn, occupiedColumn, startColumn) = (Column("aanbod_id"), Column("totaal"), Column("bezet"), Column("eerste_start"));
        if (idColumn < 0 || totalColumn < 0 || occupiedColumn < 0)
            return new Reading([], 0, [new Refusal(1, header, "De eerste regel moet de kolommen aanbod_id, totaal en bezet noemen (download het bestand opnieuw).")]);

        var byId = own.ToDictionary(o => o.OfferingId);
        var changes = new List<Change>();
        var refused = new List<Refusal>();
        var unchanged = 0;
        var seen = new HashSet<Guid>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = Split(lines[i], separator);
            string At(int column) => column >= 0 && column < cells.Count ? cells[column].Trim() : "";
            string? problem = null;
            if (!Guid.TryParse(At(idColumn), out var id) || !byId.TryGetValue(id, out var offering))
                problem = "Dit aanbod is niet van u of bestaat niet.";
            else if (!seen.Add(id))
                problem = "Dit aanbod staat twee keer in het bestand.";
            else if (!int.TryParse(At(totalColumn), NumberStyles.None, CultureInfo.InvariantCulture, out var total) || total > 10_000)
                problem = "Totaal is een heel getal van 0 tot 10.000.";
            else if (!int.TryParse(At(occupiedColumn), NumberStyles.None, CultureInfo.InvariantCulture, out var occupied))
                problem = "Bezet is een heel getal van 0 of meer.";
            else if (occupied > total)
                problem = "Bezet kan niet hoger zijn dan het totaal.";
            else if (occupied + offering.HeldUnits > total)
                problem = $"Er zijn {offering.HeldUnits} plek(ken) in behandeling: het totaal moet minstens bezet plus {offering.HeldUnits} zijn.";
            else if (At(startColumn) is { Length: > 0 } startText
                     && (!DateOnly.TryParseExact(startText, ["yyyy-MM-dd", "dd-MM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                         || parsed < today.AddYears(-1) || parsed > today.AddYears(2)))
                problem = "Eerste start is een datum (jjjj-mm-dd) tussen een jaar terug en twee jaar vooruit, of leeg.";
            else
            {
                DateOnly? start = At(startColumn) is { Length: > 0 } s
                    ? DateOnly.ParseExact(s, ["yyyy-MM-dd", "dd-MM-yyyy"], CultureInfo.InvariantCulture) : null;
                if (total == offering.TotalUnits && occupied == offering.OccupiedUnits && start == offering.EarliestStart) unchanged++;
                else changes.Add(new Change(id, offering.LocationName, offering.CareType, offering.TotalUnits, offering.OccupiedUnits,
                    offering.EarliestStart, total, occupied, start, offering.Version));
            }
            if (problem is not null) refused.Add(new Refusal(i + 1, lines[i].Length > 120 ? lines[i][..120] + "…" : lines[i], problem));
        }
        return new Reading(changes, unchanged, refused);
    }

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
