from pcontract.entry import main

main()
