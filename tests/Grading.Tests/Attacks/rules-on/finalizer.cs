// exercise: 4.5a
// expect: forbidden-api finalizer
// A finalizer runs on the GC's thread, outside the call being timed.
class Sneaky
{
    ~Sneaky() { while (true) { } }
}

int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
{
    _ = new Sneaky();
    return queryHead / (nHeads / nKvHeads);
}
