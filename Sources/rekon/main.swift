import Glibc
import RekonCommand

exit(CLI.main(CommandLine.arguments))
