/**
 * A table's header row; `false` leaves a column out (one the key may not use). Each row's
 * cells repeat these names as `data-label`, which the narrow layout shows in place of it.
 */
export function ColumnHeads({ names }: { names: readonly (string | false)[] }) {
  return (
    <thead>
      <tr>
        {names.map(
          (name) =>
            name !== false && (
              <th key={name} scope="col">
                {name}
              </th>
            ),
        )}
      </tr>
    </thead>
  );
}
