from pcontract.cli.entry import main

main()
