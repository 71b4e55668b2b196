// exercise: 4.5a
// expect: forbidden-api attribute
// A module initializer runs when the cell is loaded, before any rule on the function could look at it.
static class Boot
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Init() => System.Console.WriteLine("ran at load");
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => queryHead / (nHeads / nKvHeads);
