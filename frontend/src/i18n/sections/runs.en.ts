// English texts of the runs section (see ../en.ts); split out so that areas of the
// interface can grow their texts side by side.
export const runsEn = {};
