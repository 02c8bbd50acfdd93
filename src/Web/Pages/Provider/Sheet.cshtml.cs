using System.Text;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Offerings;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Provider;

/// <summary>
/// For providers without a system of their own: download the figures, edit them in a spreadsheet, upload, see every
/// change and every refused row, then apply. The engine keeps the previewed plan (the page holds only its id) and
/// applies it all or nothing: if any of the offerings changed since the preview, nothing is applied.
/// </summary>
public sealed class SheetModel(CapacitySheets sheets, TimeProvider clock) : PageModel
{
    /// <summary>The largest upload: a provider's sheet is a few kilobytes.</summary>
    public const int LargestFile = 1024 * 1024;

    public CapacitySheet.Reading? Preview { get; private set; }
    public Guid? Plan { get; private set; }
    public string? Error { get; private set; }
    /// <summary>The field the error is about (the file), or null for an error of the whole upload.</summary>
    public string? ErrorField { get; private set; }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnGetCsvAsync() =>
        File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(await sheets.DownloadAsync(Caller.Of(HttpContext).ToActor()))).ToArray(),
            "text/csv; charset=utf-8", $"plekken-{Today:yyyy-MM-dd}.csv");

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file)
    {
        if (file is null || file.Length == 0)
            return Fail("Kies het bestand dat u wilt uploaden (een leeg bestand kan niet).", "file");
        if (file.Length > LargestFile)
            return Fail("Het bestand is groter dan 1 MB; dat kan geen bestand met uw plekken zijn.", "file");
        string text;
        using (var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            text = await reader.ReadToEndAsync();
        var preview = await sheets.PreviewAsync(Caller.Of(HttpContext).ToActor(), text);
        (Preview, Plan) = (preview.Reading, preview.PlanId);
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(Guid? plan)
    {
        if (plan is null)
            return Fail("Er is niets om toe te passen; upload eerst een bestand.");
        try
        {
            var applied = await sheets.ApplyAsync(Caller.Of(HttpContext).ToActor(), plan.Value);
            TempData["Message"] = $"{applied} wijziging(en) toegepast; de cijfers zijn daarmee ook bevestigd.";
            return Redirect("/aanbieder");
        }
        catch (MarketRuleException refusal) when (refusal.Code == RuleCode.SheetPlanStale)
        {
            return Fail("Sinds de controle is er iets veranderd aan uw plekken (bijvoorbeeld een nieuw voorstel). Er is niets toegepast; upload het bestand opnieuw.");
        }
        catch (MarketRuleException refusal) when (refusal.Code == RuleCode.SheetPlanUnknown)
        {
            return Fail("Deze controle is al toegepast, te oud of niet van u. Er is niets toegepast; upload het bestand opnieuw.");
        }
    }

    /// <summary>Why a row cannot be applied, in Dutch.</summary>
    public static string Why(CapacitySheet.Refusal refusal) => refusal.Problem switch
    {
        CapacitySheet.RowProblem.Header => "De eerste regel moet de kolommen Aanbodnummer, Totaal en Bezet noemen (download het bestand opnieuw).",
        CapacitySheet.RowProblem.NotYours => "Dit aanbod is niet van u of bestaat niet.",
        CapacitySheet.RowProblem.Duplicate => "Dit aanbod staat twee keer in het bestand.",
        CapacitySheet.RowProblem.Total => $"Totaal is een heel getal van 0 tot {CapacityFigures.MaxUnits.ToString("N0", Dutch.Culture)}.",
        CapacitySheet.RowProblem.Occupied => "Bezet is een heel getal van 0 of meer.",
        CapacitySheet.RowProblem.OccupiedAboveTotal => "Bezet kan niet hoger zijn dan het totaal.",
        CapacitySheet.RowProblem.BelowHeld => $"Er zijn {refusal.Held} plek(ken) in behandeling: het totaal moet minstens bezet plus {refusal.Held} zijn.",
        _ => "Eerste startdatum is een datum (dd-mm-jjjj) tussen een jaar terug en twee jaar vooruit, of leeg.",
    };

    private PageResult Fail(string message, string? field = null)
    {
        (Error, ErrorField) = (message, field);
        return Page();
    }
}
