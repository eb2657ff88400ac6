// ES2024's String#toWellFormed: Node 20 has it; the ES2023 lib this project compiles against does not declare it.
interface String {
  toWellFormed(): string;
}
