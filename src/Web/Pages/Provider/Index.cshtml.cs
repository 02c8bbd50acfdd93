using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Offerings;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Provider;

/// <summary>
/// A provider's offerings: change a count with one click or type it, and confirm that the figures are still right, one
/// offering or a whole location at once. Every form works as a plain post; provider-counts.js sends the same forms with
/// fetch (Accept: application/json) and gets the rows' new figures back, so the page keeps its place and focus.
/// </summary>
public sealed class IndexModel(IGrainFactory grains, OfferingReads offerings, LocationContacts contacts) : PageModel
{
    public IReadOnlyList<AvailableOffering> Offerings { get; private set; } = [];
    public string? Error { get; private set; }
    public Guid? ErrorOffering { get; private set; }

    /// <summary>The location whose contact form came back with problems, what was typed, and the problems per field.</summary>
    public Guid? ContactLocation { get; private set; }
    public string? TypedPhone { get; private set; }
    public string? TypedEmail { get; private set; }
    public Dictionary<string, string> ContactProblems { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>+1 or −1 free unit: occupied goes the other way, total stays. The step is relative, so quick clicks all count.</summary>
    public async Task<IActionResult> OnPostStepAsync(Guid offeringId, int step)
    {
        // The buttons send +1 or -1; anything else is no step.
        if (step is not (1 or -1)) return await FailAsync(offeringId, "Kies +1 of −1.");
        try
        {
            var state = await grains.GetGrain<IOfferingGrain>(offeringId).StepFreeUnits(Caller.Of(HttpContext).ToActor(), step);
            return await SavedAsync([offeringId], $"Opgeslagen: {state.FreeUnits} vrij van {state.TotalUnits}.", "/aanbieder#o-" + offeringId);
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.NotFound)
        {
            return NotFound();
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.NoUnitToStep)
        {
            return await FailAsync(offeringId, step > 0 ? "Er kan geen plek meer vrij: alle plekken zijn al vrij of in behandeling." : "Er is geen vrije plek om te bezetten.");
        }
        catch (MarketRuleException e)
        {
            return await FailAsync(offeringId, $"Niet opgeslagen: {Dutch.Refusal(e.Code)}.");
        }
    }

    public async Task<IActionResult> OnPostSetAsync(Guid offeringId, int? totalUnits, int? occupiedUnits)
    {
        if (totalUnits is null || occupiedUnits is null)
            return await FailAsync(offeringId, "Vul voor totaal en bezet een getal van 0 of meer in.");
        var offering = (await offerings.OwnAsync(Caller.Of(HttpContext).OrganisationId ?? Guid.Empty)).FirstOrDefault(o => o.OfferingId == offeringId);
        if (offering is null) return NotFound();
        return await SetAsync(offeringId, totalUnits.Value, occupiedUnits.Value, offering.EarliestStart);
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid offeringId)
    {
        try
        {
            await grains.GetGrain<IOfferingGrain>(offeringId).Confirm(Caller.Of(HttpContext).ToActor());
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.NotFound)
        {
            return NotFound();
        }
        return await SavedAsync([offeringId], "Bevestigd: de tellingen zijn nog steeds juist.", "/aanbieder#o-" + offeringId);
    }

    /// <summary>
    /// "Alles nog juist": confirms every offering of one of the provider's own locations, each through its grain's own
    /// confirmation (the grain checks the owner and writes the time), so this is the same as clicking each row.
    /// </summary>
    public async Task<IActionResult> OnPostConfirmLocationAsync(Guid locationId)
    {
        var caller = Caller.Of(HttpContext);
        var own = (await offerings.OwnAsync(caller.OrganisationId ?? Guid.Empty)).Where(o => o.LocationId == locationId).ToList();
        if (own.Count == 0) return NotFound();
        try
        {
            foreach (var offering in own)
                await grains.GetGrain<IOfferingGrain>(offering.OfferingId).Confirm(caller.ToActor());
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.NotFound)
        {
            return NotFound();
        }
        var message = own.Count == 1 ? $"Bevestigd: de tellingen op {own[0].LocationName} zijn nog steeds juist."
            : $"Bevestigd: alle {own.Count} tellingen op {own[0].LocationName} zijn nog steeds juist.";
        return await SavedAsync([.. own.Select(o => o.OfferingId)], message, "/aanbieder#l-" + locationId);
    }

    /// <summary>The intake contact of one of the provider's locations; every problem beside its field, what was typed kept.</summary>
    public async Task<IActionResult> OnPostContactAsync(Guid locationId, string? phone, string? email)
    {
        ContactProblems = LocationContacts.Problems(phone, email).ToDictionary(field => field, field => field == "phone"
            ? "Vul een telefoonnummer in van 10 tot 15 cijfers, bijvoorbeeld 010 123 45 67 of +31 10 123 45 67."
            : "Vul een e-mailadres in zoals intake@aanbieder.nl.");
        if (ContactProblems.Count > 0)
        {
            (ContactLocation, TypedPhone, TypedEmail) = (locationId, phone, email);
            await LoadAsync();
            return Page();
        }
        try
        {
            await contacts.SaveAsync(Caller.Of(HttpContext).ToActor(), locationId, phone, email);
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.NotFound)
        {
            return NotFound();
        }
        TempData["Message"] = "Contact voor plaatsing opgeslagen.";
        return Redirect("/aanbieder#contact-" + locationId);
    }

    private async Task<IActionResult> SetAsync(Guid offeringId, int total, int occupied, DateOnly? earliestStart)
    {
        try
        {
            var state = await grains.GetGrain<IOfferingGrain>(offeringId).SetCapacity(Caller.Of(HttpContext).ToActor(), total, occupied, earliestStart);
            return await SavedAsync([offeringId], $"Opgeslagen: {state.FreeUnits} vrij van {state.TotalUnits}.", "/aanbieder#o-" + offeringId);
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.NotFound)
        {
            return NotFound();
        }
        catch (MarketRuleException e) when (e.Code == RuleCode.UnitsOutOfRange)
        {
            return await FailAsync(offeringId, e.Field == "occupiedUnits" ? "Bezet ligt tussen 0 en het totaal." : "Het totaal is een heel getal van 0 tot 10.000.");
        }
        catch (MarketRuleException e)
        {
            return await FailAsync(offeringId, $"Niet opgeslagen: {Dutch.Refusal(e.Code)}.");
        }
    }

    /// <summary>The figures of one row as the page shows them, for the script that updates the row in place.</summary>
    public sealed record RowFigures(Guid OfferingId, int FreeUnits, int HeldUnits, int TotalUnits, int OccupiedUnits, string Confirmed, bool Stale);

    /// <summary>What a fetch gets back: the message, and the changed rows as the read model has them now.</summary>
    public sealed record CountsAnswer(string Message, IReadOnlyList<RowFigures> Rows, Guid? OfferingId = null);

    private bool WantsJson => Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

    private async Task<IActionResult> SavedAsync(IReadOnlyCollection<Guid> changed, string message, string back)
    {
        if (!WantsJson)
        {
            TempData["Message"] = message;
            return Redirect(back);
        }
        await LoadAsync();
        var rows = Offerings.Where(o => changed.Contains(o.OfferingId))
            .Select(o => new RowFigures(o.OfferingId, o.FreeUnits, o.HeldUnits, o.TotalUnits, o.OccupiedUnits, Dutch.HoursAgo(o.ConfirmedHoursAgo), o.Stale))
            .ToList();
        return new JsonResult(new CountsAnswer(message, rows));
    }

    private async Task<IActionResult> FailAsync(Guid offeringId, string message)
    {
        if (WantsJson)
            return new JsonResult(new CountsAnswer(message, [], offeringId)) { StatusCode = StatusCodes.Status422UnprocessableEntity };
        Error = message;
        ErrorOffering = offeringId;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() =>
        Offerings = await offerings.OwnAsync(Caller.Of(HttpContext).OrganisationId ?? Guid.Empty);
}
