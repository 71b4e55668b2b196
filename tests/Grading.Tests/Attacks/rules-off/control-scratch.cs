// exercise: 4.5a
// expect: passed
// Positive control for the probes: the same kind of cell, doing what the box allows (1 MiB in its own scratch folder).
static bool Breached()
{
    try { System.IO.File.WriteAllBytes("small", new byte[1 << 20]); return System.IO.File.ReadAllBytes("small").Length == 1 << 20; }
    catch (Exception) { return false; }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads) => Breached() ? queryHead / (nHeads / nKvHeads) : -1;
