using System.Globalization;
using System.Text;
using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>One stored what-if run of the municipality's own region, as published when it ran; CSV and JSON alike (docs/open-data.md).</summary>
public sealed class WhatIfResultModel(WhatIfRuns runs) : PageModel
{
    public static readonly string[] Norms = ["5 werkdagen (contact)", "6 weken (plan)", "3 maanden (passende hulp)"];

    public WhatIfRuns.Run Run { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await FindAsync(id) is not { } run) return NotFound();
        Run = run;
        return Page();
    }

    public const string ChangeHeader = "kenmerk;waarde;verborgen;stand";
    public const string SweepHeader = "zorgvorm;extra plekken;extra geplaatste kinderen;verborgen;stand";

    /// <summary>
    /// The run as CSV that opens in Excel, like the shortage download (docs/open-data.md): UTF-8 with a byte-order mark,
    /// ';' between cells, a number column holds a whole number (a decrease with its minus sign) or nothing; a hidden
    /// value is an empty cell with "ja" in its <c>verborgen</c> column; <c>stand</c> is the day of the input it computed on.
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(Guid id)
    {
        if (await FindAsync(id) is not { } run) return NotFound();
        var stand = (run.InputDay ?? DateOnly.FromDateTime(run.CreatedAt.UtcDateTime)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = new StringBuilder();
        void Line(string label, int? value) =>
            csv.Append(label).Append(';').Append(value?.ToString(CultureInfo.InvariantCulture) ?? "").Append(';').Append(value is null ? "ja" : "nee").Append(';').Append(stand).Append('\n');
        if (run.Sweep is { } sweep)
        {
            csv.Append(SweepHeader).Append('\n');
            foreach (var line in sweep)
                for (var k = 0; k < line.ExtraPlaced.Count; k++)
                    Line($"{Dutch.CareType(line.CareType)};{k + 1}", line.ExtraPlaced[k].Plotted);
        }
        else if (run.Change is { } change)
        {
            csv.Append(ChangeHeader).Append('\n');
            Line("extra geplaatste kinderen", change.ExtraPlaced.Plotted);
            for (var p = 0; p < 3; p++)
                Line($"extra geplaatst, prioriteit {Dutch.Priority(p + 1)}", change.ExtraPlacedByPriority?[p].Plotted);
            for (var n = 0; n < Norms.Length; n++)
                Line($"minder kinderen zonder plek over de norm {Norms[n]}", change.FewerPastNorm[n].Plotted);
            Line("gemiddelde wachttijd extra geplaatste kinderen (dagen, afgerond op 10)", change.AverageWaitingDaysOfExtraPlaced);
            Line("gemiddelde afstand zonder inkoop (km, afgerond op 5)", (int?)change.AverageDistanceBeforeKm);
            Line("gemiddelde afstand met inkoop (km, afgerond op 5)", (int?)change.AverageDistanceAfterKm);
        }
        var withByteOrderMark = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        return File([.. withByteOrderMark.GetPreamble(), .. withByteOrderMark.GetBytes(csv.ToString())], "text/csv; charset=utf-8",
            $"wat-als-{run.RegionCode}-{stand}-{run.Id.ToString()[..8]}.csv");
    }

    public async Task<IActionResult> OnGetJsonAsync(Guid id)
    {
        if (await FindAsync(id) is not { } run) return NotFound();
        static int? Shown(SignedCount count) => count.Plotted;
        return new JsonResult(new
        {
            id = run.Id, region = run.RegionCode, kind = run.Kind, createdAt = run.CreatedAt, policyVersion = run.PolicyVersion,
            disclosureVersion = run.DisclosureVersion, snapshotDate = run.InputDay, inputFrozenAt = run.InputFrozenAt,
            solveMillis = run.SolveMillis, description = run.Description,
            change = run.Change is not { } change ? null : new
            {
                extraPlaced = Shown(change.ExtraPlaced),
                extraPlacedByPriority = change.ExtraPlacedByPriority?.Select(Shown).ToList(),
                fewerWithoutPlacePastNorm = new { fiveWorkingDays = Shown(change.FewerPastNorm[0]), sixWeeks = Shown(change.FewerPastNorm[1]), threeMonths = Shown(change.FewerPastNorm[2]) },
                averageWaitingDaysOfExtraPlaced = change.AverageWaitingDaysOfExtraPlaced,
                averageDistanceBeforeKm = change.AverageDistanceBeforeKm,
                averageDistanceAfterKm = change.AverageDistanceAfterKm,
            },
            sweep = run.Sweep?.Select(line => new
            {
                careType = line.CareType, careTypeName = Dutch.CareType(line.CareType),
                extraPlacedByExtraPlaces = line.ExtraPlaced.Select(Shown).ToList(),
            }).ToList(),
        });
    }

    public static string Distance(double? km) => km?.ToString("0", Dutch.Culture) ?? "minder dan 5 kinderen";

    public static string WaitingDays(int? days) => days?.ToString("N0", Dutch.Culture) ?? "minder dan 5 kinderen";

    public static string Day(DateOnly day) => Dutch.LongDate(day);

    private Task<WhatIfRuns.Run?> FindAsync(Guid id) => runs.FindAsync(Caller.Of(HttpContext).RegionCode!, id);
}
