/**
 * Reusable work arrays for hot synchronous code (agh-lns's re-deploy bounds run for every
 * neighbour, and fresh arrays there were a tenth of its time in garbage collection).
 * `scratch(make)` returns `take(need)`: the arrays `make` built for a capacity of at least `need`,
 * rebuilt with double the capacity when a call needs more. The contents are the caller's to
 * overwrite and stay valid only until the next `take`; callers must not hold them across an await.
 */
export function scratch<T>(make: (capacity: number) => T): (need: number) => T {
  let capacity = 0;
  let value = make(0);
  return (need) => {
    if (need > capacity) {
      capacity = Math.max(need, 2 * capacity);
      value = make(capacity);
    }
    return value;
  };
}
