using K8Posture.Shared;

namespace K8Posture.Features.Inventory;

/// <summary>Tells open inventory pages that a push changed the inventory.</summary>
public sealed class InventoryChangeNotifier(ILogger<InventoryChangeNotifier> logger) : ChangeNotifier(logger)
{
    public void NotifyInventoryChanged() => Publish();
}
