using System.Text;
using System.Text.Json;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Provider;

/// <summary>
/// For providers without a system of their own: download the figures, edit them in a spreadsheet, upload, see every
/// change and every refused row, then apply. Applying takes all changes or none: if any of the offerings changed since
/// the preview (a hold, a desk, another upload), nothing is applied and the provider previews again.
/// </summary>
public sealed class SheetModel(Database database, IGrainFactory grains, TimeProvider clock, IConfiguration configuration) : PageModel
{
    public CapacitySheet.Reading? Preview { get; private set; }
    public string? Plan { get; private set; }
    public string? Error { get; private set; }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private Task<List<CapacityApi.AvailableOffering>> OwnAsync() => CapacityApi.ReadOwnOfferingsAsync(Caller.Of(HttpContext), database, clock, configuration);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnGetCsvAsync() =>
        File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(CapacitySheet.Write(await OwnAsync()))).ToArray(), "text/csv; charset=utf-8",
            $"plekken-{Today:yyyy-MM-dd}.csv");

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file)
    {
        if (file is null || file.Length == 0)
            return Fail("Kies het bestand dat u wilt uploaden.");
        if (file.Length > CapacitySheet.LargestFile)
            return Fail("Het bestand is groter dan 1 MB; dat kan geen bestand met uw plekken zijn.");
        string text;
        using (var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            text = await reader.ReadToEndAsync();
        Preview = CapacitySheet.Read(text, await OwnAsync(), Today);
        Plan = JsonSerializer.Serialize(Preview.Changes);
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(string? plan)
    {
        List<CapacitySheet.Change>? changes;
        try
        {
            changes = string.IsNullOrEmpty(plan) ? null : JsonSerializer.Deserialize<List<CapacitySheet.Change>>(plan);
        }
        catch (JsonException)
        {
            changes = null;
        }
        if (changes is null || changes.Count == 0)
            return Fail("Er is niets om toe te passen; upload eerst een bestand.");
        var current = (await OwnAsync()).ToDictionary(o => o.OfferingId);
        if (changes.Any(c => !current.TryGetValue(c.OfferingId, out var now) || now.Version != c.Version))
            return Fail("Sinds de controle is er iets veranderd aan uw plekken (bijvoorbeeld een nieuw voorstel). Er is niets toegepast; upload het bestand opnieuw.");
        var actor = Caller.Of(HttpContext).ToActor();
        var applied = new List<CapacitySheet.Change>();
        foreach (var change in changes)
        {
            try
            {
                await grains.GetGrain<IOfferingGrain>(change.OfferingId).SetCapacity(actor, change.Total, change.Occupied, change.EarliestStart);
                applied.Add(change);
            }
            catch (MarketRuleException)
            {
                // Something changed between the check and this write: put back what was applied, so nothing is half-applied.
                var notUndone = await UndoAsync(actor, applied);
                return Fail(notUndone == 0
                    ? "Tijdens het toepassen veranderde er iets aan uw plekken. Er is niets toegepast; upload het bestand opnieuw."
                    : $"Tijdens het toepassen veranderde er iets aan uw plekken; {notUndone} wijziging(en) konden niet worden teruggezet. Controleer uw plekken en upload het bestand opnieuw.");
            }
        }
        TempData["Message"] = $"{applied.Count} wijziging(en) toegepast; de cijfers zijn daarmee ook bevestigd.";
        return Redirect("/aanbieder");
    }

    /// <summary>Sets the applied offerings back to their figures before; returns how many could not be set back.</summary>
    private async Task<int> UndoAsync(Silo.Market.Actor actor, IReadOnlyList<CapacitySheet.Change> applied)
    {
        var failed = 0;
        foreach (var change in applied.Reverse())
        {
            try
            {
                await grains.GetGrain<IOfferingGrain>(change.OfferingId).SetCapacity(actor, change.OldTotal, change.OldOccupied, change.OldStart);
            }
            catch (MarketRuleException)
            {
                failed++;
            }
        }
        return failed;
    }

    private PageResult Fail(string message)
    {
        Error = message;
        return Page();
    }
}
